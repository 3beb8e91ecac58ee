// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { mailDocument } from './mailhtml'

describe('formatted mail', () => {
  it('keeps the text and drops what runs', () => {
    const doc = mailDocument(
      '<p>Printer <b>down</b></p><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">click</a>' +
        '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input></form><div style="background:url(https://t.example/p.gif)">x</div>',
    )
    expect(doc).toContain('<p>Printer <b>down</b></p>')
    expect(doc).toContain('click')
    for (const bad of ['<script', 'onerror', 'javascript:', '<iframe', '<form', 'url(https'])
      expect(doc.toLowerCase(), bad).not.toContain(bad)
  })

  it('loads nothing from the network', () => {
    expect(mailDocument('')).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`)
  })
})
