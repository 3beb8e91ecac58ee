import { describe, expect, it } from 'vitest'
import { baseType, cachedFor, dropHint, isTextField, pasteAttaches, downloadUrl, fileBadge, fileKind, formatSize, hasThumb, pastedName, recordNoun, screenshotName, sealedThumbUrl, sealedUrl, splitShown, stepped, thumbUrl, tooLarge, uploadPercent, uploadUrl, withAttachment } from './attachments'

describe('names of pasted images', () => {
  const at = new Date(2026, 11, 6, 14, 3, 59) // local time, as the person reads it
  it('names a clipboard image by the minute it was pasted', () => {
    expect(screenshotName('image/png', at)).toBe('Screenshot 2026-12-06 14.03.png')
  })
  it('pads month, day, hour and minute', () => {
    expect(screenshotName('image/png', new Date(2027, 0, 2, 3, 4))).toBe('Screenshot 2027-01-02 03.04.png')
  })
  it('takes the extension from the type', () => {
    expect(screenshotName('image/jpeg', at)).toBe('Screenshot 2026-12-06 14.03.jpg')
    expect(screenshotName('image/webp', at)).toBe('Screenshot 2026-12-06 14.03.webp')
    expect(screenshotName('', at)).toBe('Screenshot 2026-12-06 14.03.png')
  })
  it('numbers the further images of one paste', () => {
    expect(screenshotName('image/png', at, 2)).toBe('Screenshot 2026-12-06 14.03 (2).png')
  })
  it("renames the browsers' generic image.png", () => {
    expect(pastedName({ name: 'image.png', type: 'image/png' }, at)).toBe('Screenshot 2026-12-06 14.03.png')
    expect(pastedName({ name: 'Image.JPG', type: 'image/jpeg' }, at)).toBe('Screenshot 2026-12-06 14.03.jpg')
    expect(pastedName({ name: '', type: 'image/gif' }, at, 3)).toBe('Screenshot 2026-12-06 14.03 (3).gif')
  })
  it('keeps the name of a pasted file that has its own', () => {
    expect(pastedName({ name: 'vpn-client.log', type: 'text/plain' }, at)).toBe('vpn-client.log')
    expect(pastedName({ name: 'image of rack.png', type: 'image/png' }, at)).toBe('image of rack.png')
  })
})

describe('which pastes attach', () => {
  it('a screenshot anywhere, in a text field too', () => {
    expect(pasteAttaches(['Files'], 1, false)).toBe(true)
    expect(pasteAttaches(['Files'], 1, true)).toBe(true)
  })
  it('not text copied from an office program (text with a picture of it) into a text field', () => {
    expect(pasteAttaches(['text/plain', 'text/html', 'Files'], 1, true)).toBe(false)
    expect(pasteAttaches(['text/plain', 'Files'], 1, false)).toBe(true)
  })
  it('never a paste without files', () => {
    expect(pasteAttaches(['text/plain'], 0, false)).toBe(false)
  })
})

describe('sizes', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [1024 * 1024 - 1, '1 MB'],
    [5 * 1024 * 1024 + 300 * 1024, '5.3 MB'],
    [200 * 1024 * 1024, '200 MB'],
    [1.5 * 1024 ** 3, '1.5 GB'],
  ]
  for (const [n, want] of cases) it(`${n} bytes read ${want}`, () => expect(formatSize(n)).toBe(want))
  it('says nothing for a size that is not one', () => {
    expect(formatSize(-1)).toBe('')
    expect(formatSize(NaN)).toBe('')
  })
  it("words the team's limit as the backend does", () => {
    const max = 200 * 1024 * 1024
    expect(tooLarge(max, max)).toBe('')
    expect(tooLarge(max + 1, max)).toBe("is larger than the team's limit of 200 MB")
    expect(tooLarge(10 ** 12, 0)).toBe('') // limit not known yet: the backend decides
  })
})

describe('which files show as pictures', () => {
  it('raster images whose bytes are here', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'IMAGE/PNG'])
      expect(hasThumb({ type, here: true })).toBe(true)
  })
  it('not while the bytes travel', () => {
    expect(hasThumb({ type: 'image/png', here: false })).toBe(false)
  })
  it('never an SVG or HTML file, whatever it is called', () => {
    for (const type of ['image/svg+xml', 'text/xml; charset=utf-8', 'text/html; charset=utf-8', 'text/plain; charset=utf-8', 'application/octet-stream', ''])
      expect(hasThumb({ type, here: true })).toBe(false)
  })
  it('reads a media type without its parameters', () => {
    expect(baseType('text/html; charset=utf-8')).toBe('text/html')
  })
})

describe('file icons', () => {
  it('label by extension, else by type', () => {
    expect(fileBadge({ name: 'vpn.log', type: 'text/plain; charset=utf-8' })).toBe('LOG')
    expect(fileBadge({ name: 'report', type: 'application/pdf' })).toBe('PDF')
    expect(fileBadge({ name: 'notes', type: 'text/plain' })).toBe('TXT')
    expect(fileBadge({ name: 'blob', type: 'application/octet-stream' })).toBe('FILE')
    expect(fileBadge({ name: 'a.verylongext', type: '' })).toBe('FILE')
  })
  it('colour by sniffed type', () => {
    expect(fileKind({ name: 'x.pdf', type: 'application/pdf' })).toBe('pdf')
    expect(fileKind({ name: 'x.svg', type: 'text/xml; charset=utf-8' })).toBe('text')
    expect(fileKind({ name: 'x.zip', type: 'application/zip' })).toBe('archive')
  })
})

describe('routes', () => {
  it('escape names and IDs', () => {
    expect(downloadUrl('ab12', 'a b&c.txt')).toBe('/api/attachments/ab12?name=a%20b%26c.txt')
    expect(thumbUrl('ab12')).toBe('/api/attachments/ab12/thumb')
    expect(uploadUrl('visit', 'v/1', 'Screenshot 2026-12-06 14.03.png')).toBe('/api/attachments/visit/v%2F1?name=Screenshot%202026-12-06%2014.03.png')
  })
  it('name a coaching file by its item and ciphertext, never by its name', () => {
    expect(uploadUrl('coaching', 'c/1', 'notes.txt')).toBe('/api/attachments/coaching/c%2F1?name=notes.txt')
    expect(sealedUrl('c/1', 'ab12')).toBe('/api/coaching/c%2F1/files/ab12')
    expect(sealedThumbUrl('c/1', 'ab12')).toBe('/api/coaching/c%2F1/files/ab12/thumb')
  })
})

describe('the panel', () => {
  const png = (id: string, here = true) => ({ id, type: 'image/png', here })
  const log = (id: string) => ({ id, type: 'text/plain; charset=utf-8', here: true })
  it('shows raster images in the gallery and the rest as files, in order', () => {
    const { images, files } = splitShown([png('a'), log('b'), png('c'), png('d', false)], {})
    expect(images.map((a) => a.id)).toEqual(['a', 'c'])
    expect(files.map((a) => a.id)).toEqual(['b', 'd'])
  })
  it('lists an image whose thumbnail failed to load as a file', () => {
    const { images, files } = splitShown([png('a'), png('c')], { c: true })
    expect(images.map((a) => a.id)).toEqual(['a'])
    expect(files.map((a) => a.id)).toEqual(['c'])
  })
  it('adds an attachment once, whether the upload or the change brings it first', () => {
    const once = withAttachment([log('b')], png('a'))
    expect(once.map((a) => a.id)).toEqual(['b', 'a'])
    expect(withAttachment(once, png('a')).map((a) => a.id)).toEqual(['b', 'a'])
  })
  it('steps through the images and round', () => {
    const imgs = [png('a'), png('b'), png('c')]
    expect(stepped(imgs, imgs[0], 1).id).toBe('b')
    expect(stepped(imgs, imgs[2], 1).id).toBe('a')
    expect(stepped(imgs, imgs[0], -1).id).toBe('c')
    expect(stepped([imgs[1]], imgs[1], 1).id).toBe('b')
  })
  it('reads upload progress in percent', () => {
    expect(uploadPercent(0, 2048)).toBe(0)
    expect(uploadPercent(1024, 2048)).toBe(50)
    expect(uploadPercent(1, 3)).toBe(33)
    expect(uploadPercent(4096, 2048)).toBe(100)
    expect(uploadPercent(0, 0)).toBe(100)
  })
  it('says what a drop does', () => {
    expect(dropHint(true, true)).toBe('Drop to attach')
    expect(dropHint(false, true)).toBe('No files yet. Drop files here, paste a screenshot or attach a file.')
    expect(dropHint(false, false)).toBe('Drop files or paste a screenshot to add more.')
  })
  it('names the record in a sentence', () => {
    expect(recordNoun('ticket')).toBe('ticket')
    expect(recordNoun('visit')).toBe('visit')
    expect(recordNoun('sop')).toBe('SOP')
  })
  it('knows a paste into a text field', () => {
    expect(isTextField({ tagName: 'TEXTAREA' })).toBe(true)
    expect(isTextField({ tagName: 'INPUT' })).toBe(true)
    expect(isTextField({ tagName: 'DIV', isContentEditable: true })).toBe(true)
    expect(isTextField({ tagName: 'BODY', isContentEditable: false })).toBe(false)
    expect(isTextField(null)).toBe(false)
  })
  it('asks for the limits again only once they are old', async () => {
    let t = 0
    let asked = 0
    const get = cachedFor(1000, async () => ++asked, () => t)
    expect(await get()).toBe(1)
    t = 1000
    expect(await get()).toBe(1)
    t = 1001
    expect(await get()).toBe(2)
    expect(await get()).toBe(2)
    expect(asked).toBe(2)
  })
})
