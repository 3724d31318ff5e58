import { emailHtmlToText, sanitizeEmailHtml } from './sanitize-html';

describe('sanitizeEmailHtml', () => {
  it.each<[string, string, RegExp]>([
    ['<script>', '<p>Hi</p><script>alert(1)</script>', /script|alert/i],
    ['<script> in odd case and nesting', '<SCRIPT>alert(1)</SCRIPT><scr<script>ipt>alert(2)</script>', /<script/i],
    ['onerror=', '<img src="cid:x" onerror="alert(1)">', /onerror|alert/i],
    ['onclick on any tag', '<div onclick="steal()">x</div>', /onclick|steal/],
    ['javascript: links', '<a href="javascript:alert(1)">x</a>', /javascript/i],
    ['javascript: with entity tricks', '<a href="jav&#x09;ascript:alert(1)">x</a>', /ascript:/i],
    ['vbscript: links', '<a href="vbscript:msgbox(1)">x</a>', /vbscript/i],
    ['data: links', '<a href="data:text/html,<script>alert(1)</script>">x</a>', /data:|script/i],
    ['<iframe>', '<iframe src="https://evil.example"></iframe>', /iframe|evil/],
    ['<object> and <embed>', '<object data="x.swf"></object><embed src="x.swf">', /object|embed|swf/],
    ['<form> and inputs', '<form action="https://evil.example"><input name="password"><button>Go</button></form>', /form|input|button|evil/],
    ['<style> elements and their CSS', '<style>body{background:url(https://track.example/p)}</style><p>x</p>', /style|track|background/],
    ['<meta> refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">', /meta|refresh|evil/],
    ['<base> hijack', '<base href="https://evil.example/">', /base|evil/],
    ['<svg> with script', '<svg><script>alert(1)</script></svg>', /svg|script|alert/],
    ['<link> style sheets', '<link rel="stylesheet" href="https://evil.example/x.css">', /link|evil/],
    ['url() in style', '<p style="background-image:url(https://track.example/p.gif)">x</p>', /url|track/],
    ['expression() in style', '<p style="width:expression(alert(1))">x</p>', /expression|alert/],
    ['position:fixed overlays', '<div style="position:fixed;top:0;left:0">fake login</div>', /position|fixed/],
    ['http: images (mixed content)', '<img src="http://tracker.example/p.gif">', /tracker/],
    ['protocol-relative images', '<img src="//tracker.example/p.gif">', /tracker/],
    ['svg data: images', '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', /svg/],
    ['class and id attributes', '<p class="admin-banner" id="main">x</p>', /class|id=/],
    ['html comments (conditional comments)', '<!--[if mso]><script>alert(1)</script><![endif]--><p>x</p>', /mso|script|<!--/],
    ['<title> text leaking into the body', '<html><head><title>Secret title</title></head><body>x</body></html>', /Secret/],
  ])('removes %s', (_, html, forbidden) => {
    expect(sanitizeEmailHtml(html)).not.toMatch(forbidden);
  });

  it.each<[string, string, string]>([
    ['text formatting', '<p><b>bold</b> <i>it</i> <u>u</u></p>', '<p><b>bold</b> <i>it</i> <u>u</u></p>'],
    ['tables', '<table border="0" cellpadding="2"><tr><td colspan="2" align="center">x</td></tr></table>', '<table border="0" cellpadding="2"><tr><td colspan="2" align="center">x</td></tr></table>'],
    ['cid images', '<img src="cid:logo@x" alt="Logo">', '<img src="cid:logo@x" alt="Logo" />'],
    ['https images', '<img src="https://cdn.example/logo.png">', '<img src="https://cdn.example/logo.png" />'],
    ['raster data: images', '<img src="data:image/png;base64,iVBORw0K">', '<img src="data:image/png;base64,iVBORw0K" />'],
    ['safe styles', '<span style="color:#336699;font-weight:bold">x</span>', '<span style="color:#336699;font-weight:bold">x</span>'],
    ['Outlook paragraphs without their style sheet’s margins', '<p class="MsoNormal"><span style="font-size:11.0pt">Hi</span></p>', '<p style="margin:0"><span style="font-size:11.0pt">Hi</span></p>'],
    ['quotes', '<blockquote type="cite">old</blockquote>', '<blockquote type="cite">old</blockquote>'],
    ['mailto links', '<a href="mailto:ann@example.org">Ann</a>', '<a href="mailto:ann@example.org" target="_blank" rel="noopener noreferrer nofollow">Ann</a>'],
  ])('keeps %s', (_, html, expected) => {
    expect(sanitizeEmailHtml(html)).toBe(expected);
  });

  it('opens links in a new tab without opener or referrer, whatever the mail said', () => {
    expect(sanitizeEmailHtml('<a href="https://example.org" target="_self" rel="opener">x</a>')).toBe(
      '<a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">x</a>',
    );
  });

  it('handles 200,000 nested elements in reasonable time', () => {
    const started = Date.now();
    sanitizeEmailHtml(`${'<div>'.repeat(200_000)}x`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('emailHtmlToText', () => {
  it.each<[string, string, string]>([
    ['paragraphs and breaks', '<p>One</p><p>Two<br>Three</p>', 'One\nTwo\nThree'],
    ['source whitespace collapsed', '<p>A\n   long\n\tline</p>', 'A long line'],
    ['entities', '<p>&lt;tag&gt; &amp; &quot;q&quot; &#39;s&#39;</p>', '<tag> & "q" \'s\''],
    ['scripts and styles left out', '<style>p{}</style><script>x()</script><p>Shown</p>', 'Shown'],
    ['quotes kept', '<p>New</p><blockquote>Old</blockquote>', 'New\nOld'],
  ])('%s', (_, html, text) => {
    expect(emailHtmlToText(html)).toBe(text);
  });

  it.each<[string, string, string]>([
    ['numbered lists', '<p>Steps:</p><ol><li>Open</li><li>Close</li></ol>', 'Steps:\n\n1. Open\n2. Close'],
    ['a list start and an item value', '<ol start="3"><li>c</li><li value="7">g</li><li>h</li></ol>', '3. c\n7. g\n8. h'],
    ['bullets', 'Items<ul><li>one</li><li>two</li></ul>', 'Items\n- one\n- two'],
    ['nested lists number each level', '<ol><li>a<ul><li>x</li></ul></li><li>b</li></ol>', '1. a\n- x\n\n2. b'],
  ])('keeps list markers: %s', (_, html, text) => {
    expect(emailHtmlToText(html)).toBe(text);
  });

  it('leaves quotes out when asked to', () => {
    expect(emailHtmlToText('<p>New</p><blockquote><p>Old</p></blockquote>', { dropQuotes: true })).toBe('New');
  });
});
