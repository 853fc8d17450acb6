// The one way the portal talks to the gateway. Every answer that is not 2xx becomes an ApiError that keeps the
// refusal's shape (code, rule, article, reason_zh, details), so a screen can show the reason next to the field
// or action it concerns. A 401 during the session (it expired or was ended) asks the user to log in again and
// then repeats the request: the page, and whatever the user typed, stays as it was.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.reason_zh || `请求失败（${status}）`)
    this.status = status
    this.body = body || {}
    this.code = this.body.code || 'NETWORK'
    this.rule = this.body.rule || null
    this.article = this.body.article || null
    this.reason_zh = this.body.reason_zh || this.message
    this.details = this.body.details || {}
  }

  // Field → messages, from a VALIDATION refusal (details.fields) or from an article's violations (item).
  get fieldErrors() {
    const out = {}
    const add = (key, message) => {
      const top = String(key).split('.')[0]
      ;(out[top] ||= []).push(message)
    }
    const walk = (prefix, value) => {
      if (Array.isArray(value)) value.forEach((v) => (typeof v === 'string' ? add(prefix, v) : walk(prefix, v)))
      else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => walk(prefix || k, v))
    }
    if (this.details.fields) walk('', this.details.fields)
    for (const v of this.details.violations || []) if (v.item) add(v.item, v.reason_zh)
    return out
  }
}

let sessionExpiredHandler = null

// The shell registers a handler that resolves once the user has logged in again (or rejects if they give up).
export function onSessionExpired(handler) {
  sessionExpiredHandler = handler
}

export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return 'portal-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function queryString(query) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

async function parse(response) {
  const type = response.headers.get('Content-Type') || ''
  if (type.includes('application/json')) return response.json()
  return null
}

function isAuthPath(path) {
  return path.startsWith('/api/auth/')
}

export async function request(method, path, { body, query, idempotencyKey } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey
  const send = () => fetch(path + queryString(query), {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  })
  let response
  try {
    response = await send()
    if (response.status === 401 && sessionExpiredHandler && !isAuthPath(path)) {
      await sessionExpiredHandler()
      response = await send()
    }
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw new ApiError(0, { code: 'NETWORK', reason_zh: '无法连接到系统，请检查网络后重试' })
  }
  const data = await parse(response)
  if (!response.ok) throw new ApiError(response.status, data)
  return data
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body, idempotencyKey) => request('POST', path, { body, idempotencyKey }),
  put: (path, body, idempotencyKey) => request('PUT', path, { body, idempotencyKey }),
}

// Multipart upload with progress (fetch has none). Same 401 handling as request().
export function upload(file, onProgress) {
  const once = () => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/documents')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100)) }
    xhr.onload = () => {
      let data = null
      try { data = JSON.parse(xhr.responseText) } catch { data = null }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data)
      else reject(new ApiError(xhr.status, data))
    }
    xhr.onerror = () => reject(new ApiError(0, { code: 'NETWORK', reason_zh: '上传中断，请检查网络后重试' }))
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
  return once().catch(async (err) => {
    if (err.status === 401 && sessionExpiredHandler) {
      await sessionExpiredHandler()
      return once()
    }
    throw err
  })
}
