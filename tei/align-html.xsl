<?xml version="1.0" encoding="UTF-8"?>
<!--
  align's TEI -> a side-by-side HTML page (run by align/export/html.py with lxml).

  One table row per <link> of the translation linkGrp: the source sentences of
  the link on the left, the target sentences on the right. Hovering a row
  highlights the sentences of both sides (align.css, tr.link:hover); every
  sentence span carries its xml:id as id and its partners in data-partners.
  Glossary terms become <mark class="term">, sentence notes <span class="note">,
  and rows take the kind of their first sentence's paragraph as class
  (body, heading, bullet, furniture). The header shows the provenance recorded
  in the teiHeader.

  The output is polyglot XHTML (html.py serializes it so that no element is
  self-closed except HTML's void elements): a browser reads it as HTML5, an
  XML parser reads it as well-formed XML.

  Parameters: css-href (the stylesheet link, default "align.css"); doubtful-below
  (rows of links whose @cert, the aligner's confidence, is below it get the class
  "doubtful", default 0.5).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:t="http://www.tei-c.org/ns/1.0"
    xmlns:str="http://exslt.org/strings"
    xmlns="http://www.w3.org/1999/xhtml"
    extension-element-prefixes="str"
    exclude-result-prefixes="t str">

  <xsl:output method="xml" encoding="UTF-8" indent="no" omit-xml-declaration="yes"/>

  <xsl:param name="css-href" select="'align.css'"/>
  <xsl:param name="doubtful-below" select="0.5"/>

  <xsl:key name="sentence" match="t:s" use="@xml:id"/>
  <xsl:key name="category" match="t:category" use="@xml:id"/>

  <xsl:variable name="header" select="/t:TEI/t:teiHeader"/>
  <xsl:variable name="source" select="/t:TEI/t:text/t:group/t:text[@type = 'source']"/>
  <xsl:variable name="target" select="/t:TEI/t:text/t:group/t:text[@type = 'translation']"/>
  <xsl:variable name="engine" select="$header/t:encodingDesc/t:appInfo/t:application[@type = 'engine']"/>
  <xsl:variable name="glossary" select="$header/t:encodingDesc/t:classDecl/t:taxonomy[@xml:id = 'glossary']"/>
  <xsl:variable name="title">
    <xsl:choose>
      <xsl:when test="normalize-space($header/t:fileDesc/t:titleStmt/t:title)">
        <xsl:value-of select="$header/t:fileDesc/t:titleStmt/t:title"/>
      </xsl:when>
      <xsl:otherwise>(untitled)</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:if test="not(t:TEI)">
      <xsl:message terminate="yes">not align's TEI: the root element is not TEI's &lt;TEI&gt;</xsl:message>
    </xsl:if>
    <html lang="{$target/@xml:lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="align {$header/t:encodingDesc/t:appInfo/t:application[@ident = 'align']/t:desc[@type = 'version']}"/>
        <title><xsl:value-of select="$title"/></title>
        <link rel="stylesheet" href="{$css-href}"/>
      </head>
      <body>
        <xsl:call-template name="provenance"/>
        <main>
          <table class="aligned">
            <colgroup><col class="kind"/><col class="source"/><col class="target"/></colgroup>
            <thead>
              <tr>
                <th class="kind" scope="col">link</th>
                <th class="source" scope="col" lang="{$source/@xml:lang}">
                  <xsl:call-template name="language-name"><xsl:with-param name="text" select="$source"/></xsl:call-template>
                </th>
                <th class="target" scope="col" lang="{$target/@xml:lang}">
                  <xsl:call-template name="language-name"><xsl:with-param name="text" select="$target"/></xsl:call-template>
                </th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="/t:TEI/t:text/t:linkGrp[@type = 'translation']/t:link"/>
            </tbody>
          </table>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- ================================================================ header -->

  <xsl:template name="provenance">
    <xsl:variable name="source-bibl" select="$header/t:fileDesc/t:sourceDesc/t:bibl[@type = 'source']"/>
    <xsl:variable name="target-bibl" select="$header/t:fileDesc/t:sourceDesc/t:bibl[@type = 'target']"/>
    <header class="provenance">
      <h1><xsl:value-of select="$title"/></h1>
      <dl>
        <xsl:call-template name="file-row">
          <xsl:with-param name="label">Source</xsl:with-param>
          <xsl:with-param name="bibl" select="$source-bibl"/>
        </xsl:call-template>
        <xsl:if test="$target-bibl">
          <xsl:call-template name="file-row">
            <xsl:with-param name="label">Target</xsl:with-param>
            <xsl:with-param name="bibl" select="$target-bibl"/>
          </xsl:call-template>
        </xsl:if>
        <dt>Method</dt>
        <dd class="method">
          <xsl:value-of select="$engine/t:desc[@type = 'method']"/>
          <xsl:if test="normalize-space($engine/t:label)">
            <xsl:text>: </xsl:text>
            <xsl:value-of select="normalize-space(concat($engine/t:label, ' ', $engine/t:desc[@type = 'version']))"/>
          </xsl:if>
          <xsl:if test="normalize-space($engine/t:desc[@type = 'model'])">
            <xsl:text>, model </xsl:text>
            <xsl:value-of select="normalize-space(concat($engine/t:desc[@type = 'model'], ' ', $engine/t:desc[@type = 'modelVersion']))"/>
          </xsl:if>
          <xsl:for-each select="$engine/t:desc[@type = 'setting']">
            <xsl:text>; </xsl:text>
            <xsl:value-of select="concat(@n, '=', .)"/>
          </xsl:for-each>
        </dd>
        <xsl:if test="$glossary">
          <dt>Glossary</dt>
          <dd class="glossary">
            <xsl:value-of select="$glossary/t:bibl/t:title"/>
            <xsl:text> (entries: </xsl:text>
            <xsl:value-of select="count($glossary/t:category)"/>
            <xsl:text>) </xsl:text>
            <xsl:call-template name="checksum"><xsl:with-param name="value" select="$glossary/t:bibl/t:idno[@type = 'sha256']"/></xsl:call-template>
          </dd>
        </xsl:if>
        <xsl:if test="normalize-space($header/t:profileDesc/t:creation/t:date)">
          <dt>Date</dt>
          <dd class="date"><xsl:value-of select="$header/t:profileDesc/t:creation/t:date"/></dd>
        </xsl:if>
        <dt>Content</dt>
        <dd class="counts">
          <xsl:value-of select="concat(count(/t:TEI/t:text/t:linkGrp/t:link), ' links, ',
                                       count($source//t:s), ' ', $source/@xml:lang, ' sentences, ',
                                       count($target//t:s), ' ', $target/@xml:lang, ' sentences')"/>
        </dd>
        <dt>Produced by</dt>
        <dd class="producer">
          <xsl:value-of select="concat('align ', $header/t:encodingDesc/t:appInfo/t:application[@ident = 'align']/t:desc[@type = 'version'])"/>
        </dd>
      </dl>
      <p class="legend">
        <span class="legend-item heading">heading</span>
        <span class="legend-item bullet">bullet</span>
        <span class="legend-item furniture">page furniture (not translated)</span>
        <mark class="term">glossary term</mark>
        <span class="note">problem note</span>
        <xsl:if test="/t:TEI/t:text/t:linkGrp/t:link[@cert]">
          <span class="legend-item doubtful">
            <xsl:value-of select="concat('? aligner unsure (confidence below ', $doubtful-below, ')')"/>
          </span>
        </xsl:if>
      </p>
    </header>
  </xsl:template>

  <xsl:template name="file-row">
    <xsl:param name="label"/>
    <xsl:param name="bibl"/>
    <dt><xsl:value-of select="$label"/></dt>
    <dd class="file">
      <code><xsl:value-of select="$bibl/t:idno[@type = 'file']"/></code>
      <xsl:text> </xsl:text>
      <xsl:call-template name="checksum"><xsl:with-param name="value" select="$bibl/t:idno[@type = 'sha256']"/></xsl:call-template>
    </dd>
  </xsl:template>

  <xsl:template name="checksum">
    <xsl:param name="value"/>
    <xsl:if test="normalize-space($value)">
      <span class="sha256" title="sha256 {$value}"><xsl:value-of select="concat('sha256 ', substring($value, 1, 12), '…')"/></span>
    </xsl:if>
  </xsl:template>

  <xsl:template name="language-name">
    <xsl:param name="text"/>
    <xsl:variable name="name" select="$header/t:profileDesc/t:langUsage/t:language[@ident = $text/@xml:lang]"/>
    <xsl:choose>
      <xsl:when test="normalize-space($name)"><xsl:value-of select="$name"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$text/@xml:lang"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ rows -->

  <xsl:template match="t:link">
    <xsl:variable name="sentences" select="key('sentence', str:tokenize(translate(@target, '#', ' ')))"/>
    <xsl:variable name="paragraph" select="$sentences[1]/parent::t:p"/>
    <xsl:variable name="previous" select="key('sentence', str:tokenize(translate(preceding-sibling::t:link[1]/@target, '#', ' ')))[1]/parent::t:p"/>
    <xsl:variable name="kind">
      <xsl:choose>
        <xsl:when test="$paragraph/@rend"><xsl:value-of select="$paragraph/@rend"/></xsl:when>
        <xsl:otherwise>body</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="source-sentences" select="$sentences[ancestor::t:text[@type = 'source']]"/>
    <xsl:variable name="target-sentences" select="$sentences[ancestor::t:text[@type = 'translation']]"/>
    <tr id="link-{position()}" data-link-type="{@type}">
      <xsl:attribute name="class">
        <xsl:value-of select="concat('link ', $kind)"/>
        <xsl:if test="not($previous) or generate-id($previous) != generate-id($paragraph)"> paragraph-start</xsl:if>
        <xsl:if test="number(@cert) &lt; $doubtful-below"> doubtful</xsl:if>
      </xsl:attribute>
      <xsl:if test="@cert">
        <xsl:attribute name="data-cert"><xsl:value-of select="@cert"/></xsl:attribute>
      </xsl:if>
      <td class="kind">
        <xsl:attribute name="title">
          <xsl:value-of select="concat(@type, ' link, ', $kind, ' paragraph ', $paragraph/@xml:id)"/>
          <xsl:if test="@cert"><xsl:value-of select="concat(', aligner confidence ', @cert)"/></xsl:if>
        </xsl:attribute>
        <xsl:value-of select="@type"/>
      </td>
      <xsl:call-template name="cell">
        <xsl:with-param name="side" select="'source'"/>
        <xsl:with-param name="text" select="$source"/>
        <xsl:with-param name="mine" select="$source-sentences"/>
        <xsl:with-param name="partners" select="$target-sentences"/>
      </xsl:call-template>
      <xsl:call-template name="cell">
        <xsl:with-param name="side" select="'target'"/>
        <xsl:with-param name="text" select="$target"/>
        <xsl:with-param name="mine" select="$target-sentences"/>
        <xsl:with-param name="partners" select="$source-sentences"/>
      </xsl:call-template>
    </tr>
  </xsl:template>

  <xsl:template name="cell">
    <xsl:param name="side"/>
    <xsl:param name="text"/>
    <xsl:param name="mine"/>
    <xsl:param name="partners"/>
    <xsl:variable name="partner-ids">
      <xsl:for-each select="$partners">
        <xsl:if test="position() > 1"><xsl:text> </xsl:text></xsl:if>
        <xsl:value-of select="@xml:id"/>
      </xsl:for-each>
    </xsl:variable>
    <td class="{$side}" lang="{$text/@xml:lang}">
      <xsl:choose>
        <xsl:when test="$mine">
          <xsl:for-each select="$mine">
            <xsl:variable name="id" select="@xml:id"/>
            <xsl:if test="position() > 1"><xsl:text> </xsl:text></xsl:if>
            <span class="s" id="{$id}" data-partners="{$partner-ids}">
              <xsl:apply-templates mode="inline"/>
            </span>
            <xsl:for-each select="../t:note[@target = concat('#', $id)][not(@type = 'original')]">
              <xsl:text> </xsl:text>
              <span class="note" title="problem noted on {$id}"><xsl:value-of select="."/></span>
            </xsl:for-each>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <span class="missing" title="no sentence on this side">—</span>
        </xsl:otherwise>
      </xsl:choose>
    </td>
  </xsl:template>

  <xsl:template match="t:term" mode="inline">
    <xsl:variable name="entry" select="key('category', substring-after(@ref, '#'))"/>
    <mark class="term" data-ref="{substring-after(@ref, '#gl-')}" title="glossary: {$entry/t:catDesc}">
      <xsl:value-of select="."/>
    </mark>
  </xsl:template>

  <xsl:template match="text()" mode="inline">
    <xsl:value-of select="."/>
  </xsl:template>

</xsl:stylesheet>
