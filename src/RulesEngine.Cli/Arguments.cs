namespace RulesEngine.Cli;

/// <summary>A verb's arguments: positionals, <c>--name value</c> options and <c>--flag</c> switches.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    /// <summary>Options written without a value: reported by <see cref="Allow"/>, after unknown names, so that a
    /// typo such as <c>--bogus</c> at the end of the line is called unknown, not "needs a value".</summary>
    private readonly List<string> _withoutValue = [];

    private Arguments(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    /// <param name="flags">Names that take no value.</param>
    public static Arguments Parse(IEnumerable<string> args, params string[] flags)
    {
        var positionals = new List<string>();
        var parsed = new Arguments(positionals);
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (IsOption(arg))
            {
                var eq = arg.IndexOf('=');
                if (eq > 0) parsed._options[arg[2..eq]] = arg[(eq + 1)..];
                else if (flags.Contains(arg[2..]) || arg == "--help") parsed._options[arg[2..]] = null;
                else if (i + 1 < list.Count && !IsOption(list[i + 1])) parsed._options[arg[2..]] = list[++i];
                else
                {
                    // "--state --wait" or "--state" at the end: the next option is not this one's value.
                    parsed._options[arg[2..]] = null;
                    parsed._withoutValue.Add(arg);
                }
            }
            else if (arg == "-h") parsed._options["help"] = null;
            else positionals.Add(arg);
        }
        return parsed;
    }

    private static bool IsOption(string arg) => arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public int? Int(string name)
    {
        var value = Get(name);
        if (value is null) return null;
        return int.TryParse(value, out var n) ? n : throw new UsageException($"--{name} must be a number, not '{value}'");
    }

    /// <summary>Rejects options the verb does not know, so a typo is not silently ignored.</summary>
    public void Allow(params string[] names)
    {
        foreach (var name in _options.Keys)
            if (name != "help" && !names.Contains(name))
                throw new UsageException($"unknown option --{name}; this verb takes: {string.Join(", ", names.Select(n => "--" + n))}");
        if (_withoutValue.Count > 0) throw new UsageException($"{_withoutValue[0]} needs a value");
    }

    public string ConnectionsPath() =>
        Get("connections") ?? Environment.GetEnvironmentVariable("RULESENGINE_CONNECTIONS") ?? "connections.json";

    public string StatePath() =>
        Get("state") ?? Environment.GetEnvironmentVariable("RULESENGINE_STATE") ?? Path.Combine("state", "rulesengine.db");
}

internal sealed class UsageException(string message) : Exception(message);
