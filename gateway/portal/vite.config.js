// The portal is built into dist/ and served by the gateway; every asset ships with the build
// (no CDN, no web font): the government network has no internet.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1100,
    rollupOptions: {
      output: {
        // Libraries change less often than the screens: separate chunks stay cached across releases.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined
          if (id.includes('echarts') || id.includes('zrender')) return 'echarts'
          if (id.includes('element-plus') || id.includes('@element-plus') || id.includes('@floating-ui') ||
              id.includes('@vueuse') || id.includes('lodash') || id.includes('dayjs') || id.includes('async-validator')) {
            return 'element-plus'
          }
          return 'vue'
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
})
