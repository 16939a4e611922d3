namespace RulesEngine.Core.Connections;

/// <summary>
/// The one range of error codes for connection problems, whatever the connector: RE03xx. A connector never picks a
/// code of its own; its checks go through <see cref="ConnectionSettings.Invalid"/> (RE0319). docs/receivers.md lists
/// every code (a test compares the two).
/// </summary>
internal static class ConnectionErrors
{
    public const string FileNotFound = "RE0300";
    public const string MissingSetting = "RE0301";
    public const string EnvironmentVariableNotSet = "RE0302";
    public const string SecretFileNotFound = "RE0303";
    public const string NotAnObject = "RE0304";
    public const string UnknownConnection = "RE0305";
    public const string WrongConnectionType = "RE0306";
    public const string UnknownType = "RE0307";
    public const string InvalidJson = "RE0001";
    public const string MissingType = "RE0309";
    public const string UnknownKey = "RE0310";
    public const string WrongJsonType = "RE0311";
    public const string OutOfRange = "RE0312";
    public const string NotAllowedValue = "RE0313";
    public const string InvalidUrl = "RE0314";
    public const string MalformedReference = "RE0315";
    public const string UnreadableSecretFile = "RE0316";
    public const string DuplicateKey = "RE0317";
    public const string Conflict = "RE0318";
    public const string InvalidValue = "RE0319";

    /// <summary>Every code with what it means, in order: the source of the docs table.</summary>
    public static IReadOnlyList<(string Code, string Meaning)> All { get; } =
    [
        (FileNotFound, "the connections file does not exist"),
        (MissingSetting, "a required setting is missing (or its value is empty)"),
        (EnvironmentVariableNotSet, "a `${env:NAME}` reference names a variable that is not set"),
        (SecretFileNotFound, "a `${file:path}` reference or a key file names a file that does not exist"),
        (NotAnObject, "the file, or a connection in it, is not a JSON object"),
        (UnknownConnection, "a step names a connection the file does not define (reported at the step)"),
        (WrongConnectionType, "a step names a connection of another type (reported at the step)"),
        (UnknownType, "a connection's `type` is not a connection type this program has"),
        (InvalidJson, "the connections file is not valid JSON (the code flow files use too)"),
        (MissingType, "a connection has no `type`"),
        (UnknownKey, "a key the connection type does not declare (with the nearest known key)"),
        (WrongJsonType, "a value of the wrong JSON type (a number written as a string, text written as a number, null)"),
        (OutOfRange, "a number outside its range, or a fraction where a whole number is needed"),
        (NotAllowedValue, "a word that is not one of the setting's allowed values"),
        (InvalidUrl, "a URL that is not an absolute http(s) URL"),
        (MalformedReference, "something that looks like a `${...}` reference but is not exactly `${env:NAME}` or `${file:path}`"),
        (UnreadableSecretFile, "a secret or key file that is a directory, a device, a FIFO, empty, or larger than the bound"),
        (DuplicateKey, "the same key twice in one JSON object"),
        (Conflict, "settings that must be given together, or exactly one of which must be given, are not"),
        (InvalidValue, "a value the connector rejects (a malformed bot token, a host that is a URL, an unusable key file)"),
    ];
}
