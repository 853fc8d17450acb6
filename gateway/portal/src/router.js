// The portal's screens. Each first path segment is listed in the gateway's CLIENT_SECTIONS
// (gateway/gateway/routes_portal.py) so a typed or reloaded address opens the portal.
import { createRouter, createWebHistory } from 'vue-router'
import { loadSession, session } from './session.js'

const routes = [
  { path: '/', redirect: '/workbench' },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  { path: '/workbench', name: 'workbench', component: () => import('./views/WorkbenchView.vue'), meta: { title: '我的待办' } },
  { path: '/projects', name: 'projects', component: () => import('./views/ProjectListView.vue'), meta: { title: '项目列表' } },
  { path: '/projects/:id', name: 'project', component: () => import('./views/ProjectView.vue'), meta: { title: '项目详情' } },
  { path: '/apply', name: 'apply', component: () => import('./views/ApplicationView.vue'), meta: { title: '年度计划申报', kind: 'PLAN' } },
  { path: '/adhoc', name: 'adhoc', component: () => import('./views/ApplicationView.vue'), meta: { title: '追加项目申请', kind: 'ADHOC' } },
  { path: '/rankings', name: 'rankings', component: () => import('./views/RankingView.vue'), meta: { title: '申报排序' } },
  { path: '/plan-calls', name: 'plan-calls', component: () => import('./views/CallsView.vue'), meta: { title: '申报通知' } },
  { path: '/annual-plans', name: 'annual-plans', component: () => import('./views/AnnualPlanView.vue'), meta: { title: '年度计划' } },
  { path: '/annual-plans/:year', name: 'annual-plan', component: () => import('./views/AnnualPlanView.vue'), meta: { title: '年度计划' } },
  { path: '/estimate-reviews', name: 'estimate-reviews', component: () => import('./views/EstimateReviewsView.vue'), meta: { title: '概算审核' } },
  { path: '/cybersecurity-reviews', name: 'cybersecurity-reviews', component: () => import('./views/CybersecurityReviewsView.vue'), meta: { title: '网络安全审查' } },

  { path: '/approvals', name: 'approvals', component: () => import('./views/ApprovalsView.vue'), meta: { title: '立项审批' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '统计看板' } },
  { path: '/technical-reviews', name: 'technical-reviews', component: () => import('./views/TechnicalReviewListView.vue'), meta: { title: '技术审核' } },
  { path: '/technical-reviews/:projectId', name: 'technical-review', component: () => import('./views/TechnicalReviewView.vue'), meta: { title: '技术审核' } },
  { path: '/frameworks', name: 'frameworks', component: () => import('./views/FrameworkListView.vue'), meta: { title: '框架方案' } },
  { path: '/frameworks/:id', name: 'framework', component: () => import('./views/FrameworkView.vue'), meta: { title: '框架方案' } },
  { path: '/verify', name: 'verify', component: () => import('./views/VerifyView.vue'), meta: { public: true, title: '批复核验' } },
  { path: '/api-docs', name: 'api-docs', component: () => import('./views/ApiDocsView.vue'), meta: { public: true, title: '接口文档' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true, title: '页面不存在' } },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (!session.loaded) await loadSession()
  if (!to.meta.public && !session.user) return { name: 'login', query: { redirect: to.fullPath } }
  if (to.name === 'login' && session.user) return { path: '/workbench' }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title || ''} · 市级信息化项目管理系统`
})
