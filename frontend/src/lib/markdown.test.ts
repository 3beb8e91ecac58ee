// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { isSafeUrl, openLinksExternally, renderMarkdown } from './markdown'

// Known XSS payloads in the style of the OWASP XSS filter evasion cheat sheet, as raw HTML and as
// markdown, with mixed case, entity and whitespace encodings, and known mutation-XSS shapes.
const payloads = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<img src="jav&#x09;ascript:alert(1)">',
  '<img """><script>alert(1)</script>">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="  JaVaScRiPt:alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<button formaction="javascript:alert(1)">go</button>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<body onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '<p OnClick="alert(1)">x</p>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<div style="width: expression(alert(1))">x</div>',
  '<style>@import "javascript:alert(1)";</style>',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<template><script>alert(1)</script></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  '<video poster="javascript:alert(1)"></video>',
  // markdown forms
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java%0ascript:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '<javascript:alert(1)>',
  '![x](javascript:alert(1))',
  '![x](x" onerror="alert(1))',
  '[x](https://example.com "title" onclick="alert(1)")',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '```html\n<script>alert(1)</script>\n```',
]

const forbiddenTags = ['script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'style', 'meta', 'base', 'link', 'svg', 'math', 'template', 'noscript']
const urlAttrs = ['href', 'src', 'xlink:href', 'action', 'formaction', 'background', 'poster', 'srcset', 'data']

/** executable lists everything in html that could run script. */
function executable(html: string): string[] {
  const box = document.createElement('div')
  box.innerHTML = html
  const found: string[] = []
  for (const el of Array.from(box.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase()
    if (forbiddenTags.includes(tag)) found.push(`<${tag}>`)
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase()
      if (name.startsWith('on')) found.push(`${tag}[${name}]`)
      if (name === 'style' || name === 'srcdoc') found.push(`${tag}[${name}]`)
      if (urlAttrs.includes(name)) {
        const v = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase()
        if (/^(javascript|vbscript|data):/.test(v) || !isSafeUrl(a.value)) found.push(`${tag}[${name}=${a.value}]`)
      }
    }
  }
  return found
}

describe('renderMarkdown against known XSS payloads', () => {
  for (const p of payloads) {
    it(`neutralises ${JSON.stringify(p).slice(0, 80)}`, () => {
      const out = renderMarkdown(p)
      expect(executable(out)).toEqual([])
    })
  }
  it('also neutralises every payload embedded in ordinary markdown', () => {
    const out = renderMarkdown('# Steps\n\n' + payloads.join('\n\n') + '\n\n1. done')
    expect(executable(out)).toEqual([])
  })
})

describe('renderMarkdown keeps ordinary SOP markdown', () => {
  it('renders headings, lists, emphasis, tables and code', () => {
    const out = renderMarkdown('## Fix\n\n1. Open **tray 2**\n2. Run `ipconfig /flushdns`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <b>\n```')
    const box = document.createElement('div')
    box.innerHTML = out
    expect(box.querySelector('h2')?.textContent).toBe('Fix')
    expect(box.querySelectorAll('ol li').length).toBe(2)
    expect(box.querySelector('strong')?.textContent).toBe('tray 2')
    expect(box.querySelector('table td')?.textContent).toBe('1')
    expect(box.querySelector('pre code')?.textContent).toBe('code <b>\n')
  })
  it('keeps safe links and sends them to a new tab with noopener', () => {
    const box = document.createElement('div')
    box.innerHTML = renderMarkdown('[vendor](https://vendor.example/kb/123) [mail](mailto:help@example.com) [top](#fix)')
    const links = Array.from(box.querySelectorAll('a'))
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://vendor.example/kb/123', 'mailto:help@example.com', '#fix'])
    expect(links.every((a) => a.target === '_blank' && a.rel === 'noopener noreferrer')).toBe(true)
  })
  it('drops the address of a dangerous link but keeps its text', () => {
    const box = document.createElement('div')
    box.innerHTML = renderMarkdown('[click me](javascript:alert(1))')
    expect(box.textContent).toContain('click me')
    expect(box.querySelector('a')?.hasAttribute('href') ?? false).toBe(false)
  })
})

describe('isSafeUrl', () => {
  const cases: [string, boolean][] = [
    ['https://example.com', true],
    ['HTTP://example.com', true],
    ['mailto:a@b.c', true],
    ['tel:+4930123', true],
    ['#section', true],
    ['/relative/path', true],
    ['page.html', true],
    ['javascript:alert(1)', false],
    [' java\tscript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['data:text/html,x', false],
    ['vbscript:x', false],
    ['file:///etc/passwd', false],
  ]
  for (const [url, want] of cases) it(`${JSON.stringify(url)} -> ${want}`, () => expect(isSafeUrl(url)).toBe(want))
})

describe('openLinksExternally', () => {
  it('opens links through the given function and never navigates the app', () => {
    const box = document.createElement('div')
    box.innerHTML = renderMarkdown('[vendor](https://vendor.example/) [top](#top)')
    document.body.appendChild(box)
    const opened: string[] = []
    const off = openLinksExternally(box, (u) => opened.push(u))
    const [ext, anchor] = Array.from(box.querySelectorAll('a'))
    const click = new MouseEvent('click', { bubbles: true, cancelable: true })
    ext.dispatchEvent(click)
    expect(click.defaultPrevented).toBe(true)
    expect(opened).toEqual(['https://vendor.example/'])
    const click2 = new MouseEvent('click', { bubbles: true, cancelable: true })
    anchor.dispatchEvent(click2)
    expect(click2.defaultPrevented).toBe(false)
    off()
    box.remove()
  })
})
