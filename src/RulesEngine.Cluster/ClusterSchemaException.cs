namespace RulesEngine.Cluster;

/// <summary>The database's cluster tables cannot be used by this program (a newer schema version).</summary>
public sealed class ClusterSchemaException(string message) : Exception(message);
