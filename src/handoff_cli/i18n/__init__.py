"""User-facing message texts in English and Japanese.

The language follows HANDOFF_LANG, then LC_ALL, LC_MESSAGES and LANG: Japanese when the
first one set starts with ``ja``, English otherwise.
"""

from __future__ import annotations

import os

_CATALOG: dict[str, tuple[str, str]] = {
    # YAML reading
    "yaml.empty": ("the file is empty", "ファイルが空です"),
    "yaml.not_mapping": ("the document must be a mapping of fields (key: value), not {found}",
                         "文書は「キー: 値」の形の項目の集まりである必要があります（{found} になっています）"),
    "yaml.syntax": ("YAML syntax error: {problem}", "YAMLの構文エラー: {problem}"),
    "yaml.multiple_documents": ("the file holds more than one YAML document (---); keep one per file",
                                "1ファイルに複数のYAML文書（---）があります。1ファイル1文書にしてください"),
    "yaml.duplicate_key": ("duplicate key '{key}' (first at line {first_line}); the second would silently win",
                           "キー '{key}' が重複しています（最初は {first_line} 行目）。後の値で黙って上書きされます"),
    "yaml.alias": ("anchors and aliases (&, *) are not allowed in handoff files; write the value out",
                   "アンカー・エイリアス（&, *）は使えません。値をそのまま書いてください"),
    "yaml.merge_key": ("merge keys (<<) are not allowed in handoff files; write the fields out",
                       "マージキー（<<）は使えません。項目をそのまま書いてください"),
    "yaml.tag": ("unsupported YAML tag {tag}; nothing is executed, remove the tag",
                 "対応していないYAMLタグ {tag} です（実行はされません）。タグを削除してください"),
    "yaml.complex_key": ("a key must be plain text", "キーは文字列で書いてください"),
    "yaml.too_deep": ("nesting deeper than {limit} levels", "入れ子が {limit} 段を超えています"),
    "yaml.too_large": ("file is {size} bytes; the limit is {limit} bytes",
                       "ファイルサイズが {size} バイトです。上限は {limit} バイトです"),
    "yaml.bom": ("the file starts with a byte order mark (BOM); save it as UTF-8 without BOM",
                 "ファイルの先頭にBOMがあります。BOMなしのUTF-8で保存してください"),
    "yaml.encoding": ("not valid UTF-8 ({problem}); save the file as UTF-8",
                      "UTF-8として読めません（{problem}）。UTF-8で保存してください"),
    # schema
    "schema.required": ("required field is missing", "必須項目がありません"),
    "schema.type": ("expected {expected}, found {found}{hint}", "{expected} が必要ですが {found} になっています{hint}"),
    "schema.enum": ("'{value}' is not one of: {allowed}", "'{value}' は使えません。使える値: {allowed}"),
    "schema.const": ("must be '{expected}'", "'{expected}' である必要があります"),
    "schema.empty": ("must not be empty", "空にはできません"),
    "schema.pattern": ("'{value}' does not have the expected form {pattern}", "'{value}' は期待される形式 {pattern} ではありません"),
    "schema.format.date": ("'{value}' is not an ISO 8601 date (e.g. 2026-11-24)",
                           "'{value}' はISO 8601の日付ではありません（例: 2026-11-24）"),
    "schema.format.date-time": ("'{value}' is not an ISO 8601 date-time with offset (e.g. 2026-11-24T14:00:00+09:00)",
                                "'{value}' はタイムゾーン付きのISO 8601日時ではありません（例: 2026-11-24T14:00:00+09:00）"),
    "schema.minimum": ("{value} is below the minimum {limit}", "{value} は最小値 {limit} 未満です"),
    "schema.maximum": ("{value} is above the maximum {limit}", "{value} は最大値 {limit} を超えています"),
    "schema.unique": ("has repeated items", "同じ値が重複しています"),
    "schema.any_of_useful_missing": ("an outcome needs at least one of 'useful' or 'missing'",
                                     "結果には 'useful'（役立ったこと）か 'missing'（足りなかったこと）の少なくとも一方が必要です"),
    "schema.other": ("{message}", "{message}"),
    "type.yaml_hint": ("; put the value in quotes, YAML read it as {found}",
                       "。YAMLが {found} と解釈したので、値を引用符で囲んでください"),
    # semantic rules
    "rule.placeholder": ("'{value}' is a placeholder, not content; write what you know, or move the unknown to open_questions",
                         "'{value}' は仮の値で中身がありません。分かっていることを書くか、不明点は open_questions に移してください"),
    "rule.id_mismatch": ("id '{id}' does not match the file name '{stem}'",
                         "id '{id}' がファイル名 '{stem}' と一致しません"),
    "rule.id_form": ("id '{id}' is not of the form <yyyymmdd>-<6 chars of a-z0-9>",
                     "id '{id}' が <yyyymmdd>-<英小文字・数字6文字> の形式ではありません"),
    "rule.duplicate_id": ("id '{id}' is also used by {other}", "id '{id}' は {other} でも使われています"),
    "rule.unknown_kind": ("unknown kind '{kind}'; known kinds: {known}", "不明な種別 '{kind}' です。使える種別: {known}"),
    "rule.orphan_feedback": ("feedback for '{id}', but no handoff with that id exists",
                             "'{id}' へのフィードバックですが、そのIDの引き継ぎがありません"),
    "rule.feedback_mismatch": ("feedback names handoff '{id}' but the file belongs to '{stem}'",
                               "フィードバックの handoff '{id}' がファイル名 '{stem}' と一致しません"),
    "rule.outcome_for_kind": ("'{value}' is not an outcome of kind '{kind}'; use one of: {allowed}",
                              "'{value}' は種別 '{kind}' の結果ではありません。使える値: {allowed}"),
    "rule.unknown_field": ("'{value}' is not a context field of kind '{kind}'; fields: {allowed}",
                           "'{value}' は種別 '{kind}' の文脈項目ではありません。項目: {allowed}"),
    "rule.loss_reason": ("outcome '{value}' is a loss: say why in 'reason'",
                         "結果 '{value}' は失注・中止です。'reason' に理由を書いてください"),
    "rule.date_folder": ("'{name}' belongs at {expected}", "'{name}' の置き場所は {expected} です"),
    "rule.stray_extension": ("not a handoff file: expected <id>.yaml or <id>.feedback.yaml",
                             "引き継ぎファイルではありません。<id>.yaml または <id>.feedback.yaml にしてください"),
    "rule.stray_name": ("file name '{name}' is not <yyyymmdd>-<6 chars of a-z0-9>.yaml",
                        "ファイル名 '{name}' が <yyyymmdd>-<英小文字・数字6文字>.yaml の形式ではありません"),
    "rule.not_a_file": ("'{name}' is named like a document but is not a regular file",
                        "'{name}' は文書のような名前ですが通常のファイルではありません"),
    "rule.symlink": ("'{name}' is a symbolic link; handoff files must be regular files in the repository",
                     "'{name}' はシンボリックリンクです。引き継ぎファイルはリポジトリ内の通常ファイルにしてください"),
    "rule.control_char": ("contains control character U+{code:04X}; only tab and newline are allowed",
                          "制御文字 U+{code:04X} が含まれています。使えるのはタブと改行だけです"),
    "rule.schema_kind_missing": ("kind '{kind}' has no usable schema", "種別 '{kind}' のスキーマが使えません"),
    # summaries and CLI lines
    "summary.ok": ("{files} files checked, no findings", "{files} ファイルを検査しました。問題はありません"),
    "summary.findings": ("{files} files checked, {count} findings in {bad} files",
                         "{files} ファイルを検査し、{bad} ファイルに {count} 件の問題が見つかりました"),
    "new.written": ("wrote {path}", "{path} を書き込みました"),
    "new.invalid": ("not written: the handoff has {count} findings", "書き込みませんでした: {count} 件の問題があります"),
    "feedback.invalid": ("not written: the entry has {count} findings", "書き込みませんでした: 記入に {count} 件の問題があります"),
    "new.draft_kept": ("your draft is kept at {path}; continue with: handoff new --resume "
                       "(or fix it and run: handoff new {kind} --from-file {path})",
                       "下書きを {path} に残しました。続きは: handoff new --resume "
                       "（または直してから: handoff new {kind} --from-file {path}）"),
    "init.created": ("created {path}", "{path} を作成しました"),
    "init.exists": ("{path} already exists, left unchanged", "{path} は既にあります。変更していません"),
    "init.nothing": ("already initialised; nothing changed", "初期化済みです。何も変更していません"),
    "prompt.required": ("Required fields", "必須項目"),
    "prompt.recommended": ("Recommended fields (Enter to skip)", "推奨項目（Enterで省略）"),
    "prompt.choices": ("choices", "選択肢"),
    "prompt.value_required": ("a value is required", "入力が必要です"),
    "prompt.invalid_choice": ("choose one of: {allowed}", "次から選んでください: {allowed}"),
    "prompt.invalid_value": ("invalid value: {problem}", "値が不正です: {problem}"),
    "error.no_terminal": ("no terminal to prompt on: give --set FIELD=VALUE or --from-file F.yaml (missing: {fields})",
                          "入力を求める端末がありません。--set 項目=値 か --from-file F.yaml で指定してください（不足: {fields}）"),
    "error.interrupted": ("interrupted; nothing was written", "中断しました。何も書き込んでいません"),
    "feedback.none": ("no feedback yet", "フィードバックはまだありません"),
    "state.none": ("awaiting receipt", "受領待ち"),
    "state.received": ("awaiting outcome", "結果待ち"),
    "state.done": ("outcome", "結果あり"),
    "state.rejected": ("rejected", "差し戻し"),
}


def language() -> str:
    """'ja' or 'en', from the environment."""
    for var in ("HANDOFF_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def t(message_id: str, **params: object) -> str:
    """The message `message_id` in the user's language, formatted with `params`."""
    en, ja = _CATALOG[message_id]
    template = ja if language() == "ja" else en
    return template.format(**params) if params else template


def localized(spec: dict, attribute: str) -> str | None:
    """A schema's title or description in the user's language, English as fallback."""
    if language() == "ja":
        value = spec.get(f"x-handoff-{attribute}-ja")
        if value:
            return value
    return spec.get(attribute)
