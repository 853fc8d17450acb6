// The signed-in user, shared by every screen. The session itself is the gateway's HttpOnly cookie.
import { reactive } from 'vue'
import { ApiError, request } from './api.js'

export const session = reactive({ user: null, expiresAt: null, loaded: false })

let expiryTimer = null
let onExpire = null

export function whenSessionEnds(handler) {
  onExpire = handler
}

function schedule() {
  clearTimeout(expiryTimer)
  if (!session.expiresAt) return
  const ms = new Date(session.expiresAt).getTime() - Date.now()
  // Past the expiry the next request would be refused; say so now instead of at the next click.
  if (ms > 0 && ms < 2 ** 31) expiryTimer = setTimeout(() => onExpire && onExpire(), ms)
}

function set(body) {
  session.user = body.user
  session.expiresAt = body.expires_at
  session.loaded = true
  schedule()
}

export async function loadSession() {
  try {
    set(await request('GET', '/api/auth/me'))
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err
    session.user = null
    session.loaded = true
  }
  return session.user
}

export async function login(username, password) {
  set(await request('POST', '/api/auth/login', { body: { username, password } }))
  return session.user
}

export async function logout() {
  clearTimeout(expiryTimer)
  try { await request('POST', '/api/auth/logout') } finally {
    session.user = null
    session.expiresAt = null
  }
}

const BUREAU_ROLES = ['ZWB', 'WX', 'FG', 'GX', 'CZ', 'SJ', 'LG', 'LGO']
export const isUnit = () => session.user?.role === 'UNIT'
export const isBureau = () => BUREAU_ROLES.includes(session.user?.role)
export const hasRole = (...roles) => roles.includes(session.user?.role)
