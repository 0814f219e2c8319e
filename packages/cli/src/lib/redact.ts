/** `url` without its password (and user), for messages: `redis://***@host:6379/0`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = '***'
    parsed.password = ''
    return parsed.toString()
  } catch {
    return '(an invalid URL)'
  }
}
