// Client-side checks that mirror the server's schemas (gateway/gateway/schemas.py, the services' schemas.py and
// the article rules the form can see), so most mistakes are caught before sending. The server re-checks all of
// it; its refusal is shown next to the field it names.

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024 // itpm_common.docstore DEFAULT_MAX_BYTES
export const ALLOWED_EXTENSIONS = ['.pdf', '.ofd', '.doc', '.docx', '.xls', '.xlsx', '.pptx', '.png', '.jpg', '.jpeg', '.zip', '.txt']
// R-0-3: a file name bearing a classification marking is refused.
const CLASSIFIED_MARK = /绝密|机密|秘密|★/

export const required = (message = '必填项') => ({
  validator: (_rule, value, cb) => {
    const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ||
      (Array.isArray(value) && value.length === 0)
    cb(empty ? new Error(message) : undefined)
  },
  trigger: ['blur', 'change'],
})

export const length = (min, max) => ({
  validator: (_rule, value, cb) => {
    const n = (value || '').length
    if (value && min && n < min) return cb(new Error(`长度不得少于 ${min}`))
    if (max && n > max) return cb(new Error(`长度不得超过 ${max}（当前 ${n}）`))
    cb()
  },
  trigger: ['blur', 'change'],
})

export const integerBetween = (min, max) => ({
  validator: (_rule, value, cb) => {
    if (value === null || value === undefined || value === '') return cb()
    if (!Number.isInteger(Number(value))) return cb(new Error('应为整数'))
    if (Number(value) < min || Number(value) > max) return cb(new Error(`应在 ${min} 至 ${max} 之间`))
    cb()
  },
  trigger: ['blur', 'change'],
})

// 元 with at most two decimals, to integer fen.
export function toFen(yuanValue) {
  if (yuanValue === null || yuanValue === undefined || yuanValue === '') return null
  return Math.round(Number(yuanValue) * 100)
}

export function checkFile(file) {
  if (!file) return '请选择文件'
  if (file.size === 0) return '文件为空，请重新选择'
  if (file.size > MAX_UPLOAD_BYTES) {
    return `文件大小超过上限（${(MAX_UPLOAD_BYTES / 1024 / 1024).toFixed(0)} MB），请压缩或拆分后重新上传`
  }
  const name = file.name.toLowerCase()
  if (!ALLOWED_EXTENSIONS.some((ext) => name.endsWith(ext))) {
    return `文件类型不在允许范围内，仅接受 ${ALLOWED_EXTENSIONS.join('、')} 文件`
  }
  if (CLASSIFIED_MARK.test(file.name)) return '文件名含密级标志，涉密文件不得上传本系统（第十八条）'
  return null
}

// 元 typed as text ("1,000,000.01", "999999.99", "12") to integer fen, digit by digit: no floating point
// touches the amount, so what 财政 types is what the service receives. null when the text is not an amount
// of 元 with at most two decimals (or is beyond what a JavaScript number holds exactly).
export function yuanTextToFen(text) {
  if (text === null || text === undefined) return null
  const clean = String(text).trim().replace(/[,，\s]/g, '')
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(clean)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
  return Number.isSafeInteger(fen) && Number.isSafeInteger(Number(m[1]) * 100) ? fen : null
}

// Integer fen back to the text a money input shows ("1000000.01").
export function fenToYuanText(fen) {
  if (fen === null || fen === undefined) return ''
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
