using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Cli.Tests.Support;

/// <summary>Checks a JSON document against the CLI's naming contract (docs/json-output.md).</summary>
internal static partial class JsonKeys
{
    /// <summary>Objects whose keys are data, not contract names: a row's columns, a step's outputs.</summary>
    public static readonly IReadOnlySet<string> DataMaps = new HashSet<string>(StringComparer.Ordinal) { "fields", "output" };

    /// <summary>Every key that is not camelCase (outside data maps), and every object with keys that differ only
    /// in case (anywhere: PowerShell's ConvertFrom-Json rejects those even in data).</summary>
    public static List<string> Problems(JToken token, string path = "$")
    {
        var problems = new List<string>();
        Walk(token, path, isDataMap: false, problems);
        return problems;
    }

    private static void Walk(JToken token, string path, bool isDataMap, List<string> problems)
    {
        if (token is JObject json)
        {
            foreach (var clash in json.Properties().GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
                problems.Add($"{path}: keys differing only in case: {string.Join(", ", clash.Select(p => p.Name))}");
            foreach (var property in json.Properties())
            {
                if (!isDataMap && !CamelCase().IsMatch(property.Name)) problems.Add($"{path}.{property.Name}: not camelCase");
                Walk(property.Value, $"{path}.{property.Name}", !isDataMap && DataMaps.Contains(property.Name), problems);
            }
        }
        else if (token is JArray array)
        {
            for (var i = 0; i < array.Count; i++) Walk(array[i], $"{path}[{i}]", false, problems);
        }
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();
}
