using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Connections;

/// <summary>
/// Checks one connection entry against its type's spec without resolving anything: keys, JSON types, ranges,
/// allowed words, URLs, the form of every <c>${...}</c> reference, required settings and the rules between settings.
/// These problems belong to the connections file, so they are found once, when it loads, whichever flows use it.
/// </summary>
internal static class ConnectionChecker
{
    public static void Check(string name, JObject entry, ConnectionSpec spec, ConnectionsText text, List<Diagnostic> problems)
    {
        var known = spec.Fields.Select(f => f.Name).Concat(ConnectionSpec.CommonFields).ToList();
        foreach (var property in entry.Properties())
        {
            if (ConnectionSpec.CommonFields.Contains(property.Name)) continue;
            if (spec.Field(property.Name) is not { } field)
            {
                problems.Add(text.LocateKey(property).Error(ConnectionErrors.UnknownKey,
                    $"connection '{name}' ({spec.Type}) has no setting \"{property.Name}\"{NameSuggestion.Hint(property.Name, known)}; " +
                    $"known settings: {string.Join(", ", spec.Fields.Select(f => f.Name))}"));
                continue;
            }
            CheckValue(name, field, property.Value, text, problems);
        }
        foreach (var field in spec.Fields.Where(f => f.Required && !Given(entry, f.Name)))
        {
            // A setting that is one of an "exactly one of" group is reported by that rule instead.
            if (spec.ExactlyOneOf.Any(group => group.Contains(field.Name))) continue;
            problems.Add(text.Locate(entry).Error(ConnectionErrors.MissingSetting,
                $"connection '{name}' needs \"{field.Name}\": {field.Description}, e.g. \"{field.Name}\": {Quoted(field)}"));
        }
        foreach (var group in spec.ExactlyOneOf)
        {
            var given = group.Where(f => Given(entry, f)).ToList();
            if (given.Count == 1) continue;
            var at = given.Count > 1 ? entry.Property(given[1])!.Value : entry;
            problems.Add(text.Locate(at).Error(ConnectionErrors.Conflict,
                $"connection '{name}' needs exactly one of {Names(group)}" + (given.Count > 1 ? $", not {Names(given)} together" : "")));
        }
        foreach (var group in spec.AllOrNone)
        {
            var given = group.Where(f => Given(entry, f)).ToList();
            if (given.Count == 0 || given.Count == group.Count) continue;
            var missing = group.Except(given).ToList();
            problems.Add(text.Locate(entry.Property(given[0])!.Value).Error(ConnectionErrors.Conflict,
                $"connection '{name}' gives {Names(given)} but not {Names(missing)}: give {Names(group)} together, or none of them"));
        }
    }

    private static void CheckValue(string name, ConnectionField field, JToken value, ConnectionsText text, List<Diagnostic> problems)
    {
        var at = text.Locate(value);
        void Report(string code, string message) => problems.Add(at.Error(code, $"connection '{name}': \"{field.Name}\" {message}"));

        if (field.IsText)
        {
            if (value.Type != JTokenType.String)
            {
                var what = field.IsSecret && value.Type is not (JTokenType.Null or JTokenType.Array or JTokenType.Object) ? $"a {value.Type.ToString().ToLowerInvariant()} (not shown: it may be a secret)" : Describe(value);
                Report(ConnectionErrors.WrongJsonType, $"must be text in quotes, not {what}, e.g. \"{field.Name}\": {Quoted(field)}");
                return;
            }
            var raw = value.Value<string>()!;
            if (!SecretReference.TryParse(raw, out _, out var index, out var error, reveal: !field.IsSecret))
            {
                problems.Add(at.AtValueIndex(index).Error(ConnectionErrors.MalformedReference, $"connection '{name}': \"{field.Name}\": {error}"));
                return;
            }
            if (SecretReference.HasReference(raw)) return; // checked again once resolved
            CheckText(field, raw, Report);
            return;
        }

        if (value.Type is not (JTokenType.Integer or JTokenType.Float))
        {
            var hint = value.Type == JTokenType.String ? $" (write {Unquoted(value)} without quotes)" : "";
            Report(ConnectionErrors.WrongJsonType, $"must be a JSON number, not {Describe(value)}{hint}, e.g. \"{field.Name}\": {field.Example}");
            return;
        }
        var number = ToDouble(value);
        var whole = field.Kind == SettingKind.Integer;
        if (double.IsFinite(number) && number >= (field.Minimum ?? double.MinValue) && number <= (field.Maximum ?? double.MaxValue)
            && (!whole || number == Math.Floor(number)))
            return;
        Report(ConnectionErrors.OutOfRange, $"must be a {(whole ? "whole number" : "number")} from {Format(field.Minimum)} to {Format(field.Maximum)}, " +
            $"not {value.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    /// <summary>The checks a text value gets once it is known: literally here, after resolution when it held a reference.</summary>
    internal static void CheckText(ConnectionField field, string value, Action<string, string> report)
    {
        switch (field.Kind)
        {
            case SettingKind.Url when !IsHttpUrl(value):
                report(ConnectionErrors.InvalidUrl, $"must be an absolute http(s) URL such as \"{field.Example}\", not '{Shorten(value)}'");
                break;
            case SettingKind.Choice when !field.AllowedValues.Contains(value, StringComparer.OrdinalIgnoreCase):
                report(ConnectionErrors.NotAllowedValue,
                    $"is '{Shorten(value)}'; it must be one of: {string.Join(", ", field.AllowedValues)}{NameSuggestion.Hint(value, field.AllowedValues)}");
                break;
        }
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    /// <summary>Newtonsoft keeps integers beyond 64 bits as BigInteger, which ordinary conversion refuses.</summary>
    internal static double ToDouble(JToken value) =>
        value is JValue { Value: System.Numerics.BigInteger big } ? (double)big : value.Value<double>();

    private static bool Given(JObject entry, string key) => entry.Property(key) is not null;

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"\"{n}\""));

    private static string Quoted(ConnectionField field) =>
        field.IsText ? new JValue(field.Example).ToString(Newtonsoft.Json.Formatting.None) : field.Example;

    private static string Unquoted(JToken value) => Shorten(value.Value<string>() ?? "");

    private static string Describe(JToken value) => value.Type switch
    {
        JTokenType.String => $"the text \"{Shorten(value.Value<string>() ?? "")}\"",
        JTokenType.Integer or JTokenType.Float => $"the number {value.ToString(Newtonsoft.Json.Formatting.None)}",
        JTokenType.Boolean => value.Value<bool>() ? "true" : "false",
        JTokenType.Null => "null",
        JTokenType.Array => "a list",
        JTokenType.Object => "an object",
        _ => value.Type.ToString().ToLowerInvariant(),
    };

    private static string Format(double? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "any";

    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
