namespace RulesEngine.Cluster;

/// <summary>The database's cluster tables cannot be used by this program (a newer schema version).</summary>
internal sealed class ClusterSchemaException(string message) : Exception(message);
