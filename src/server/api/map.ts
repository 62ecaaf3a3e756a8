import { Router } from 'express';
import type { SearchService } from '../../retrieval/types.ts';

/** GET /api/map: the topic map computed at index build (503 JSON while no index is live). */
export function mapRoutes({ searchService }: { searchService: SearchService }): Router {
  const router = Router();
  router.get('/map', (_request, response) => {
    const map = searchService.topicMap();
    response.json({
      // Titles ride along: the map's tooltips and its accessible list need them for every point.
      points: map.points.map(({ paperId, x, y, cluster }) => ({ paperId, x, y, cluster, title: searchService.getPaper(paperId)?.title ?? '' })),
      clusters: map.clusters.map(({ id, label, size }) => ({ id, label, size })),
    });
  });
  return router;
}
