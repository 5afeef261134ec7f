export { createApp, type AppOptions } from './app';
export { createStudyServer, type StudyServerOptions } from './study-server';
export { renderSvg } from './chart/render-svg';
export { trajectorySpec } from './chart/trajectory-spec';
export {
  clientTrajectory,
  type ClientTrajectory,
  type TrajectoryPoint,
  type TrajectorySeries,
} from './read/client-trajectory';
export type { TrajectoryRuptures } from './read/criterion-ruptures';
export { listSessions, type SessionSummary } from '@alliance-lab/core';
