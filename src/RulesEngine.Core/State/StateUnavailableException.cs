namespace RulesEngine.Core.State;

/// <summary>The state cannot be opened or reached (a database server that is down, refuses the login, or does not
/// exist). The message names the state as it is safe to print (never a password) and what to check.</summary>
internal sealed class StateUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
