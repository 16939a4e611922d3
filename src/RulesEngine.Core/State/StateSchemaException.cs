namespace RulesEngine.Core.State;

/// <summary>The state was written by a newer program: its schema has migrations this one does not know, so
/// writing to it could break what the newer program relies on.</summary>
internal sealed class StateSchemaException(string message) : Exception(message)
{
    /// <param name="location">The file or database, safe to print (never a password).</param>
    public static void ThrowIfNewer(string location, long found, long known)
    {
        if (found <= known) return;
        throw new StateSchemaException(
            $"the state {location} has schema version {found}, but this rulesengine knows versions up to {known}: a newer " +
            "rulesengine wrote it. Run that newer version (upgrade this one), or point --state at a state this version wrote; " +
            "an older program never writes to a newer schema.");
    }
}
