using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace RulesEngine.Cli.Output;

/// <summary>
/// The one definition of how the CLI prints JSON (a contract, docs/json-output.md): property names in camelCase,
/// enum values as camelCase strings, timestamps ISO 8601. Keys of data maps (a row's column names, a step's
/// output names) are data and are kept exactly as they are. Every <c>--json</c> output goes through here, so a
/// record serialized as it is cannot bring back PascalCase keys (PowerShell's ConvertFrom-Json rejects keys that
/// differ only in case).
/// </summary>
internal static class CliJson
{
    private static readonly CamelCaseNamingStrategy Naming = new() { ProcessDictionaryKeys = false, OverrideSpecifiedNames = true };

    public static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = Naming },
        Converters = [new StringEnumConverter(new CamelCaseNamingStrategy())],
        DateFormatHandling = DateFormatHandling.IsoDateFormat,
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        Formatting = Formatting.Indented,
    };

    private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    public static string Serialize(object? value) => JsonConvert.SerializeObject(value, Settings);

    /// <summary>A value as a JSON token, named by the convention (for documents assembled from parts).</summary>
    public static JToken ToToken(object? value) => value is null ? JValue.CreateNull() : JToken.FromObject(value, Serializer);

    /// <summary>A name in the convention: <c>FailedSteps</c> -> <c>failedSteps</c>.</summary>
    public static string Name(string name) => Naming.GetPropertyName(name, hasSpecifiedName: false);
}
