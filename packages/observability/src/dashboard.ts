export {
  createDashboard,
  type Dashboard,
  type DashboardOptions,
  type DashboardRequest,
  type DashboardResponse,
  type DeadLetterItem,
  type DeadLetterStore,
} from './dashboard/create-dashboard.ts';
