/**
 * `url` without its password (and user), for messages: `redis://***@host:6379/0`; a
 * `password` query parameter (which `postgres://` URLs may carry) becomes `***` too.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    const secretQuery = parsed.searchParams.has('password')
    if (parsed.username === '' && parsed.password === '' && !secretQuery) return url
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = '***'
      parsed.password = ''
    }
    if (secretQuery) parsed.searchParams.set('password', '***')
    return parsed.toString()
  } catch {
    return '(an invalid URL)'
  }
}
