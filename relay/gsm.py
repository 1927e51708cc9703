"""Fitting text into GSM-7 SMS: characters outside the GSM 03.38 alphabet are replaced by their
closest equivalent (so one SMS holds 160 characters rather than 70 in UCS-2)."""
import unicodedata

BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENDED = set("^{}\\[~]|€")  # two septets each
REPLACEMENTS = {
    "’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
    "œ": "oe", "Œ": "OE", "ç": "c", "\u00a0": " ", "\u202f": " ", "·": "-",
}
SINGLE = 160
PART = 153  # each part of a concatenated SMS loses 7 septets to its header


def to_gsm(text):
    out = []
    for char in text:
        if char in BASIC or char in EXTENDED:
            out.append(char)
        elif char in REPLACEMENTS:
            out.append(REPLACEMENTS[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            continue  # control and format characters (bidi overrides, zero widths): nothing to show
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain if plain else "?")
    return "".join(out)


def length(text):
    return sum(2 if c in EXTENDED else 1 for c in text)


def truncate(text, limit):
    """Cut `text` to `limit` septets, ending with '...' when cut."""
    if length(text) <= limit:
        return text
    out, used = [], 0
    for char in text:
        size = 2 if char in EXTENDED else 1
        if used + size > limit - 3:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + "..."


def is_gsm(text):
    return all(c in BASIC or c in EXTENDED for c in text)


def segments(text):
    """How many SMS a phone receives for `text`: 160 septets in one GSM-7 SMS, 153 per part once
    concatenated (an extended character never straddles two parts); in UCS-2 (any character
    outside GSM-7) 70 characters, 67 per part."""
    if not text:
        return 1
    if is_gsm(text):
        if length(text) <= SINGLE:
            return 1
        count, used = 1, 0
        for char in text:
            size = 2 if char in EXTENDED else 1
            if used + size > PART:
                count, used = count + 1, 0
            used += size
        return count
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
