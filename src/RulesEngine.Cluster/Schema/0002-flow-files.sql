-- Migration 2 of the cluster schema: each node's view of each flow file, so that nodes whose copies of a flow differ
-- say so in their logs. One row per flow and node (the node is its Quartz instance id).
--;;
CREATE TABLE IF NOT EXISTS rulesengine_flow_files (
  flow text not null,
  node text not null,
  file text not null,
  hash text not null,
  seen_at timestamptz not null,
  primary key (flow, node)
);
