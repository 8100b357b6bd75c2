"""The DLMS translator: any hex of any layer in, typed JSON, Gurux-style XML or a byte-by-byte
explanation out. A library (it never prints); ``dlms decode`` is its command line.

>>> from dlmskit.translator import parse_hex, translate
>>> t = translate(parse_hex("7E A0 07 03 21 53 03 C7 7E"))
>>> t.layer.value, t.units[0].fields["frame"]
('hdlc', 'DISC')
>>> message = translate(parse_hex("c0 01 c1 0001 00002b0100ff 02 00")).messages[0]
>>> message.apdu.apdu.attribute.instance_id
Obis('0-0:43.1.0*255')

What is where:

* :func:`translate` -- one input, layer detected or named (:class:`Layer`); raises
  :class:`TranslationError` for input that fails a check (FCS, HCS, lengths, tags, GBT
  blocks, authentication tags);
* :class:`Decoder` -- the stateful APDU decoder (deciphering, GBT and datablock
  reassembly) the push listener shares;
* :class:`DecodeKeys` -- the keys and system title to decipher with;
* :func:`parse_hex` -- hex as people paste it;
* :func:`to_xml` -- the element style of Gurux's translator (GXDLMSDirector);
* :func:`explain` -- every byte with its offset and meaning.
"""

from dlmskit.translator.core import Decoder, detect_layer, translate
from dlmskit.translator.errors import HexInputError, TranslationError
from dlmskit.translator.hexinput import parse_hex
from dlmskit.translator.keys import DecodeKeys
from dlmskit.translator.result import DecodedApdu, Layer, LinkUnit, Message, Protection, Translation

__all__ = [
    "DecodeKeys",
    "DecodedApdu",
    "Decoder",
    "HexInputError",
    "Layer",
    "LinkUnit",
    "Message",
    "Protection",
    "Translation",
    "TranslationError",
    "detect_layer",
    "parse_hex",
    "translate",
]
