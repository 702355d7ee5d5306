"""The page in Chinese whatever the browser's language: Gradio's own words, the page language,
the pop-ups' titles.

Gradio translates its built-in words (“Drop File Here”, “Error”) by the browser's locale, so an
English browser sees English. `gradio_words()` gives Gradio's own Chinese translations
(`locale/gradio-zh-CN.json`, taken from Gradio 6's frontend, Apache-2.0) for every locale, with
our wording where it differs. What no translation reaches is fixed in the page by `HEAD`: the
pop-ups' titles (the message type, capitalised: “Warning”) and `<html lang>`; `HEAD` also keeps
CSV files from being dropped into the official grids (their shape is fixed)."""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr

_GRADIO_ZH = Path(__file__).with_name("locale") / "gradio-zh-CN.json"

# Where our words differ from Gradio's translation, and the words Gradio 6 has no Chinese for
# (the page would show the key, “common.complete”, or the English).
_OURS = {
    "dataframe.drop_to_upload": "这张表不能导入文件，请直接填写",
    "dataframe.incorrect_format": "这张表不能导入文件，请直接填写",
    "chatbot.copied_message": "已复制",
    "chatbot.copy_message": "复制",
    "common.complete": "完成",
    "common.download_all": "全部下载",
    "common.progress": "进度",
    "common.upload": "上传",
    "dataframe.clear_filter": "清除筛选",
    "dataframe.filter": "筛选",
    "dataframe.import_empty_file": "这张表不能导入文件，请直接填写",
    "dataframe.import_fixed_columns": "这张表不能导入文件，请直接填写",
    "dataframe.import_fixed_rows": "这张表不能导入文件，请直接填写",
    "dataframe.import_no_column_names": "这张表不能导入文件，请直接填写",
    "dataframe.import_ragged_row": "这张表不能导入文件，请直接填写",
    "dataframe.import_static_columns": "这张表不能导入文件，请直接填写",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
}
# Locales a browser may ask for; each gets the Chinese words.
_LOCALES = ("en", "en-US", "en-GB", "zh", "zh-CN", "zh-TW", "zh-HK")


def gradio_words() -> gr.I18n:
    words = json.loads(_GRADIO_ZH.read_text(encoding="utf-8")) | _OURS
    return gr.I18n(**{locale: dict(words) for locale in _LOCALES})


HEAD = r"""<script>
(() => {
  const TITLES = {Error: "无法完成", Warning: "请注意", Info: "提示", Success: "已完成"};
  // messages the browser side of Gradio writes itself (before anything reaches the server)
  const MESSAGES = [
    [/^File\(s\) exceed the maximum allowed size of ([^:]+): (.*)$/s,
     (m, size, names) => `文件 ${names} 超过 ${size.replace(" ", "")} 的上传上限，无法上传。请压缩或拆分后再试。`],
    [/^Invalid file type/, () => "这种类型的文件无法上传。"],
  ];
  const fix = () => {
    const root = document.documentElement;
    if (root.lang !== "zh-CN") root.lang = "zh-CN";
    for (const title of document.querySelectorAll(".toast-title")) {
      const text = title.firstChild;
      if (text && text.nodeType === 3 && TITLES[text.data.trim()]) {
        text.data = TITLES[text.data.trim()] + " ";
      }
    }
    for (const message of document.querySelectorAll(".toast-message-text")) {
      for (const [pattern, words] of MESSAGES) {
        const m = message.textContent.match(pattern);
        if (m) message.textContent = words(...m);
      }
    }
  };
  new MutationObserver(fix).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["lang"],
  });
  for (const kind of ["dragenter", "dragover", "drop"]) {
    document.addEventListener(kind, (e) => {
      if (e.target instanceof Element && e.target.closest(".xxgk-grid")) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    }, true);
  }
  fix();
})();
</script>"""
