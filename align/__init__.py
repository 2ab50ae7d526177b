"""align: offline French->English news translation, glossary enforcement,
sentence alignment and aligned TEI P5.

The package is deliberately light to import: heavy libraries (ctranslate2,
sentencepiece, lxml, numpy) are imported inside the functions that need them,
so that ``align --help`` starts fast.

The data flows one way, each stage in a module of its own name::

    segment.py     text            -> Document (paragraphs, sentences)
    translate.py   Document        -> AlignedDocument (via an engine in engines/)
    aligners/      two Documents   -> AlignedDocument (sentence alignment)
    tei.py         AlignedDocument <-> TEI P5 XML
    export/        TEI             -> HTML, TMX, XCES, plain text
"""

__version__ = "0.1.0"
