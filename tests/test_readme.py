"""The README's configuration table is generated from Settings; this keeps it true."""
from pathlib import Path

from api.settings import settings_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_configuration_table_matches_settings():
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- settings-table -->\n", "\n<!-- /settings-table -->"
    table = text.split(start, 1)[1].split(end, 1)[0]
    assert table == settings_table(), "regenerate it: python -m api.settings"


def test_readme_names_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    for command in ("bash scripts/serve.sh", "bash scripts/test.sh"):
        assert command in text
        assert (README.parent / command.split()[1]).is_file()
