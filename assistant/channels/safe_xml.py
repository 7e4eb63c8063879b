"""Safe parsing of callback XML: defusedxml refuses DTDs, entity declarations and external
references (so no billion-laughs expansion, no XXE); anything unreadable is a MalformedCallback."""
from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from assistant.channels.errors import MalformedCallback


def parse_flat_xml(body: bytes | str) -> dict[str, str]:
    """`<xml><A>1</A><B><![CDATA[x]]></B></xml>` → {"A": "1", "B": "x"} (WeChat's flat format)."""
    if not body or not (body.strip() if isinstance(body, bytes) else body.strip()):
        raise MalformedCallback("empty body")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedCallback(f"XML refused: {type(exc).__name__}") from None
    except (ParseError, ValueError) as exc:
        raise MalformedCallback(f"malformed XML: {exc}") from None
    if root.tag != "xml":
        raise MalformedCallback("root element is not <xml>")
    return {child.tag: (child.text or "").strip() if len(child) == 0 else "" for child in root}
