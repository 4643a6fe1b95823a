"""The work team's household register: a dashboard app (Oscar's dashboard, /dashboard/households/)."""
