namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>An error answer, thrown inside the emulator and written as HelpCrunch's <c>{"errors":[…]}</c> envelope.</summary>
internal sealed class ApiError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static ApiError Invalid(string field, string message) => new(400, $"invalid_{field}_value", message);

    public static ApiError BadRequest(string message) => new(400, "invalid_request", message);
}
