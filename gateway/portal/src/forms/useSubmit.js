// One submit path for every action form: validates first, sends once however often the button is clicked
// (a second click while the first is on its way does nothing), retries with the same Idempotency-Key (R-0-1),
// and keeps the server's refusal with its fields for the form to show.
import { ref } from 'vue'
import { newIdempotencyKey } from '../api.js'

export function useSubmit(send) {
  const submitting = ref(false)
  const refusal = ref(null)
  const serverErrors = ref({})
  let key = newIdempotencyKey()

  async function submit(formRef) {
    if (submitting.value) return null
    submitting.value = true
    try {
      if (formRef && !(await formRef.validate().catch(() => false))) return null
      refusal.value = null
      serverErrors.value = {}
      const result = await send(key)
      key = newIdempotencyKey()
      return result
    } catch (err) {
      refusal.value = err
      serverErrors.value = err.fieldErrors || {}
      return null
    } finally {
      submitting.value = false
    }
  }

  // A field's messages are a list; a nested field's (criteria_reasons) are a list per key.
  const fieldError = (name) => {
    const messages = serverErrors.value[name]
    if (!messages) return ''
    return (Array.isArray(messages) ? messages : Object.values(messages).flat()).join('；')
  }
  return { submit, submitting, refusal, fieldError }
}
