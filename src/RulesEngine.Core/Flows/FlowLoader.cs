using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Flows;

/// <summary>The result of loading a set of flow files: the flows that loaded, and every problem found.</summary>
internal sealed record FlowSet(IReadOnlyList<Flow> Flows, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>No errors (warnings, such as a secret a linting CI does not have, do not count).</summary>
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);

    public int ErrorCount => Diagnostics.Count(d => d.IsError);

    public int WarningCount => Diagnostics.Count(d => !d.IsError);

    /// <summary>Name, file and triggers of every flow file that parsed, including those that did not load, so checks
    /// across files (unknown "after" names, cycles) see every flow.</summary>
    public IReadOnlyList<FlowOutline> Outlines { get; init; } = [];

    /// <summary>The code compiled for these flows (one assembly per set, collectible unless
    /// <see cref="FlowLoader.CollectibleCode"/> was false).</summary>
    internal IDisposable? Code { get; init; }

    /// <summary>Unloads the code compiled for these flows. Call it when a newer version replaces them and no run of
    /// them is in flight: their conditions and templates cannot run afterwards. Code loaded non-collectibly
    /// (<see cref="FlowLoader.CollectibleCode"/> false) is only unbound, not freed.</summary>
    public void Unload() => Code?.Dispose();
}

/// <summary>
/// Loads flow files: parses JSON keeping positions, resolves every step type and connection, and compiles
/// every condition and template of all files in one compilation. A flow that loads is a flow that can run;
/// everything wrong is reported at once as <c>file(line,col): error CODE: message</c>.
/// </summary>
internal sealed partial class FlowLoader(ConnectorRegistry registry, ConnectionsFile connections)
{
    public const string DefaultRunLink = "rulesengine://runs/{flow}/{runId}";

    private static readonly string[] RootFields = ["$schema", "name", "description", "comment", "source", "steps", "runLink", "batchSize", "triggers"];
    private static readonly string[] EngineSourceFields = ["existingRows", "filter"];
    private static readonly string[] IfFields = ["id", "type", "comment", "$comment", "condition", "then", "else"];

    /// <summary>True (default; <c>run</c>, <c>serve</c>): a secret that does not resolve is an error. False
    /// (<c>validate</c> without <c>--require-secrets</c>): it is one warning naming the connection and the variable,
    /// and everything else about the flow is still checked; the flow is not built (it could not run).</summary>
    public bool SecretsRequired { get; init; } = true;

    /// <summary>True (default): the compiled code is collectible, so <see cref="FlowSet.Unload"/> frees it (the daemon).
    /// False for one-shot processes: faster code (see <see cref="ExpressionCompiler.Collectible"/>), never freed.</summary>
    public bool CollectibleCode { get; init; } = true;

    /// <summary>The run link of a flow that names no <c>runLink</c> of its own: <see cref="DefaultRunLink"/>, or the
    /// web console's <c>{public-url}/runs/{runId}</c> while <c>serve</c> runs one (a flow's own runLink still wins).</summary>
    public string RunLinkWhenUnset { get; init; } = DefaultRunLink;

    /// <summary>Flow files named directly, and every *.json file in named folders (recursively).</summary>
    public static IReadOnlyList<string> FindFlowFiles(IEnumerable<string> paths) =>
        paths.SelectMany<string, string>(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : [p])
            .Select(Path.GetFullPath)
            .Distinct()
            .ToList();

    public FlowSet Load(IEnumerable<string> files)
    {
        var diagnostics = new List<Diagnostic>();
        var compiler = new ExpressionCompiler { Collectible = CollectibleCode };
        // Expressions of flows whose source (and so whose columns) did not load: compiled for their own errors
        // only, never run, so a broken source hides none of them and adds no code to the set.
        var withoutColumns = new ExpressionCompiler { Cache = null };
        var anyWithoutColumns = false;
        var flows = new List<Flow>();
        var outlines = new List<FlowOutline>();
        foreach (var file in files)
        {
            var flow = LoadOne(file, compiler, withoutColumns, diagnostics, outlines, out var columnsUnknown);
            anyWithoutColumns |= columnsUnknown;
            if (flow is not null) flows.Add(flow);
        }
        // Always compiled: a structural error elsewhere must not hide the C# errors of steps that did load.
        diagnostics.AddRange(compiler.Compile());
        if (anyWithoutColumns) // never otherwise: a set of valid flows must not load Roslyn when its code is cached
        {
            diagnostics.AddRange(withoutColumns.Compile().Where(d => d.Code != UnknownNameCode));
            withoutColumns.Unload();
        }
        var names = flows.GroupBy(f => f.Name).Where(g => g.Count() > 1);
        foreach (var group in names)
            foreach (var flow in group.Skip(1))
                diagnostics.Add(new Diagnostic(flow.FilePath, 1, 1, "RE0006", $"another flow is also named '{flow.Name}' ({group.First().FilePath}); flow names must be unique"));
        var ordered = diagnostics.Distinct().OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column).ToList();
        return new FlowSet(flows, ordered) { Code = compiler.Compiled, Outlines = outlines };
    }

    /// <summary>Roslyn's "the name does not exist": without the source's columns every column reads so.</summary>
    private const string UnknownNameCode = "CS0103";

    private Flow? LoadOne(string file, ExpressionCompiler compiler, ExpressionCompiler withoutColumns, List<Diagnostic> diagnostics,
        List<FlowOutline> outlines, out bool columnsUnknown)
    {
        columnsUnknown = false;
        var displayPath = DisplayPath.Of(file);
        if (!File.Exists(file))
        {
            diagnostics.Add(new Diagnostic(displayPath, 1, 1, "RE0000", "file not found"));
            return null;
        }
        var content = File.ReadAllText(file);
        var text = new FlowText(displayPath, content);
        JToken root;
        try
        {
            root = JToken.Parse(content, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load, CommentHandling = CommentHandling.Ignore });
        }
        catch (JsonReaderException e)
        {
            var (line, column) = FlowText.ReaderErrorPosition(content, e);
            diagnostics.Add(new Diagnostic(displayPath, line, column, "RE0001", $"invalid JSON: {FirstSentence(e.Message)}"));
            return null;
        }
        if (root is not JObject json)
        {
            diagnostics.Add(new Diagnostic(displayPath, 1, 1, "RE0002", "a flow file must be a JSON object with \"source\" and \"steps\""));
            return null;
        }
        var before = diagnostics.Count;
        diagnostics.AddRange(DuplicateKeys.Find(text, content));
        CheckKnownFields(json, RootFields, text, diagnostics, "a flow");
        var name = json["name"]?.ToString() ?? Path.GetFileNameWithoutExtension(file);
        var triggers = TriggerParser.Parse(json["triggers"], text, diagnostics);
        var outline = new FlowOutline(name, file, displayPath, triggers);
        outlines.Add(outline);
        diagnostics.AddRange(ChainCycles.Find([outline])); // a flow after itself is wrong in any company

        var stepsToken = json["steps"];
        if (stepsToken is not JArray stepsArray)
        {
            diagnostics.Add(text.Locate(stepsToken ?? json).Error("RE0007", "the flow needs \"steps\": a list of steps, e.g. [{\"id\": \"update\", \"type\": \"helpCrunch.updateContact\", ...}]"));
            stepsArray = [];
        }
        var ids = CollectIds(stepsArray, text, diagnostics);
        var allIds = ids.Select(i => i.Id).ToList();

        ISource? source = null;
        StepConfig? sourceConfig = null;
        var sourceType = "";
        CompiledCondition? filter = null;
        var existingRows = ExistingRows.Process;
        if (json["source"] is JObject sourceJson)
            source = LoadSource(sourceJson, text, compiler, allIds, diagnostics, out sourceType, out filter, out existingRows, out sourceConfig);
        else
            diagnostics.Add(text.Locate(json["source"] ?? json).Error("RE0008", $"the flow needs \"source\": an object with a \"type\" (one of: {string.Join(", ", registry.Sources.Select(s => s.Type))})"));

        // The source's settings were read (its type is known): its columns are what the flow declares, even when
        // the source itself could not be set up. Otherwise the steps are still checked, against no columns.
        var fields = source?.DeclaredFields ?? sourceConfig?.DeclaredFields;
        if (fields is not null && sourceConfig is not null)
            CheckColumns(fields, sourceConfig, ids, diagnostics);
        var earlier = new List<string>();
        columnsUnknown = sourceConfig is null;
        var steps = LoadSteps(stepsArray, text, columnsUnknown ? withoutColumns : compiler, fields, allIds, earlier, diagnostics);

        var runLink = RunLinkWhenUnset;
        if (json["runLink"] is { } runLinkToken)
        {
            if (runLinkToken.Type == JTokenType.String) runLink = runLinkToken.ToString();
            else diagnostics.Add(text.Locate(runLinkToken).Error("RE0024", $"\"runLink\" must be text in quotes, e.g. \"https://logs.example.com/runs/{{flow}}/{{runId}}\", not {Describe(runLinkToken)}"));
        }
        var batchSize = 10;
        if (json["batchSize"] is { } batchToken)
        {
            // Only a whole-number literal: "10" or 2.5 would be a guess (parse the text? round?), and a guess here
            // changes how many rows share a service call.
            if (batchToken.Type == JTokenType.Integer && batchToken.Value<long>() is >= 1 and <= MaxBatchSize)
                batchSize = batchToken.Value<int>();
            else
                diagnostics.Add(text.Locate(batchToken).Error("RE0009", $"\"batchSize\" must be a whole number from 1 to {MaxBatchSize} written without quotes (e.g. 10), not {Describe(batchToken)}"));
        }

        var errors = diagnostics.Skip(before).Count(d => d.IsError);
        var lacksSecrets = diagnostics.Skip(before).Any(d => !d.IsError && StepConfig.IsMissingSecret(d));
        if (source is null && sourceConfig is not null && errors == 0 && !lacksSecrets)
            diagnostics.Add(text.Locate(json["source"]!).Error("RE0011", $"source {sourceType} could not be set up"));
        // A flow whose connection lacks a secret (validate without --require-secrets) was checked in full, but is
        // not built: it cannot run.
        if (source is null || errors > 0 || lacksSecrets) return null;
        return new Flow
        {
            Name = name,
            FilePath = file,
            SourceType = sourceType,
            Source = source,
            Filter = filter,
            ExistingRows = existingRows,
            Steps = steps,
            RunLink = runLink,
            BatchSize = batchSize,
            Triggers = triggers,
        };
    }

    /// <summary>A batch is held in memory and sent together; past this, a typo (100000) is likelier than intent.</summary>
    private const int MaxBatchSize = 10_000;

    private ISource? LoadSource(JObject json, FlowText text, ExpressionCompiler compiler, IReadOnlyList<string> allIds,
        List<Diagnostic> diagnostics, out string type, out CompiledCondition? filter, out ExistingRows existingRows, out StepConfig? config)
    {
        type = json["type"]?.ToString() ?? "";
        filter = null;
        existingRows = ExistingRows.Process;
        config = null;
        if (!registry.TryGetSource(type, out var spec, out var create))
        {
            var known = registry.Sources.Select(s => s.Type).ToList();
            diagnostics.Add(text.Locate(json["type"] ?? json).Error("RE0010", $"unknown source type '{type}'{NameSuggestion.Hint(type, known)}; known source types: {string.Join(", ", known)}"));
            return null;
        }
        CheckKnownFields(json, [.. StepSpec.CommonFields, .. spec.Fields.Select(f => f.Name), .. EngineSourceFields], text, diagnostics, $"source {type}");
        config = new StepConfig("source", spec, json, text, compiler, new ExpressionContext(null, [], allIds), connections, diagnostics, SecretsRequired);
        ISource? source = null;
        try
        {
            source = create(config);
        }
        catch (Exception e)
        {
            diagnostics.Add(text.Locate(json).Error("RE0011", $"source {type} could not be set up: {SecretRedactor.Redact(e.Message)}"));
        }

        if (json["existingRows"] is { } existing)
        {
            if (existing.ToString() is "process" or "skip")
                existingRows = existing.ToString() == "skip" ? ExistingRows.Skip : ExistingRows.Process;
            else
                diagnostics.Add(text.Locate(existing).Error("RE0012", "\"existingRows\" must be \"process\" (the first run processes rows already in the sheet) or \"skip\" (only rows added from now on)"));
        }
        if (json["filter"] is { } filterToken)
        {
            if (filterToken.Type == JTokenType.String && !string.IsNullOrWhiteSpace(filterToken.ToString()))
                filter = compiler.AddCondition(filterToken.ToString(), new ExpressionContext(source?.DeclaredFields ?? config.DeclaredFields, [], allIds), text.Locate(filterToken));
            else
                diagnostics.Add(text.Locate(filterToken).Error("RE0013", "\"filter\" must be a C# condition in a string, e.g. \"Email.Contains('@')\""));
        }
        return source;
    }

    /// <summary>
    /// Names that would mislead in expressions: two declared columns with one C# name (which one does
    /// <c>First_Name</c> read?), and a step id that is also a column (the step would hide the column).
    /// </summary>
    private static void CheckColumns(IReadOnlyList<string> fields, StepConfig sourceConfig, IReadOnlyList<(string Id, SourceLocation At)> ids, List<Diagnostic> diagnostics)
    {
        var setting = sourceConfig.DeclaredFieldsSetting;
        var columnsAt = setting is null ? sourceConfig.At("type") : sourceConfig.At(setting);
        foreach (var collision in ColumnNames.Collisions(fields))
        {
            // at the second of the two, where the ambiguity begins
            var at = setting is null ? columnsAt : sourceConfig.At(setting, fields.ToList().IndexOf(collision.Second));
            diagnostics.Add(at.Error("RE0025", collision.Describe()));
        }
        foreach (var (id, at) in ids)
        {
            var column = fields.FirstOrDefault(f => f == id || ColumnNames.Identifier(f) == id);
            if (column is null) continue;
            var how = column == id ? $"the column '{column}'" : $"the C# name of the column '{column}'";
            diagnostics.Add(at.Error("RE0026",
                $"step id '{id}' is also {how} (declared at line {columnsAt.Line}): in expressions '{id}' would mean the step and hide the column; rename the step, e.g. \"{id}Step\""));
        }
    }

    private List<FlowStep> LoadSteps(JArray array, FlowText text, ExpressionCompiler compiler, IReadOnlyList<string>? fields,
        IReadOnlyList<string> allIds, List<string> earlier, List<Diagnostic> diagnostics)
    {
        var steps = new List<FlowStep>();
        foreach (var token in array)
        {
            if (token is not JObject json) continue; // reported by CollectIds
            var id = json["id"]?.ToString() ?? "";
            var type = json["type"]?.ToString() ?? "";
            var location = text.Locate(json);
            ExpressionContext Context() => ExpressionContext.AtStep(fields, earlier, allIds); // shares the lists: linear memory

            if (type == IfStep.TypeName)
            {
                CheckKnownFields(json, IfFields, text, diagnostics, "an if block");
                CompiledCondition? condition = null;
                if (json["condition"] is { Type: JTokenType.String } c && !string.IsNullOrWhiteSpace(c.ToString()))
                    condition = compiler.AddCondition(c.ToString(), Context(), text.Locate(c));
                else
                    diagnostics.Add(text.Locate(json["condition"] ?? json).Error("RE0014", $"if block '{id}' needs \"condition\": a C# condition in a string, e.g. \"update.Failed\""));
                earlier.Add(id);
                var then = LoadBranch(json, "then", text, compiler, fields, allIds, earlier, diagnostics, required: true);
                var otherwise = LoadBranch(json, "else", text, compiler, fields, allIds, earlier, diagnostics, required: false);
                if (condition is not null)
                    steps.Add(new IfStep { Id = id, Type = type, Location = location, Comment = json["comment"]?.ToString() ?? "", Condition = condition, Then = then, Else = otherwise });
                continue;
            }

            if (!registry.TryGetReceiver(type, out var spec, out var create))
            {
                var known = registry.Receivers.Select(s => s.Type).Append(IfStep.TypeName).ToList();
                diagnostics.Add(text.Locate(json["type"] ?? json).Error("RE0015", $"unknown step type '{type}'{NameSuggestion.Hint(type, known)}; known step types: {string.Join(", ", known)}"));
                earlier.Add(id);
                continue;
            }
            CheckKnownFields(json, [.. StepSpec.CommonFields, .. spec.Fields.Select(f => f.Name)], text, diagnostics, $"step type {type}");
            var config = new StepConfig(id, spec, json, text, compiler, Context(), connections, diagnostics, SecretsRequired);
            try
            {
                steps.Add(new ReceiverStep { Id = id, Type = type, Location = location, Receiver = create(config) });
            }
            catch (Exception e)
            {
                diagnostics.Add(location.Error("RE0016", $"step '{id}' ({type}) could not be set up: {SecretRedactor.Redact(e.Message)}"));
            }
            earlier.Add(id);
        }
        return steps;
    }

    private List<FlowStep> LoadBranch(JObject json, string name, FlowText text, ExpressionCompiler compiler, IReadOnlyList<string>? fields,
        IReadOnlyList<string> allIds, List<string> earlier, List<Diagnostic> diagnostics, bool required)
    {
        var token = json[name];
        if (token is null)
        {
            if (required) diagnostics.Add(text.Locate(json).Error("RE0017", $"if block '{json["id"]}' needs \"{name}\": the list of steps to run when the condition holds"));
            return [];
        }
        if (token is not JArray array)
        {
            diagnostics.Add(text.Locate(token).Error("RE0017", $"\"{name}\" must be a list of steps"));
            return [];
        }
        return LoadSteps(array, text, compiler, fields, allIds, earlier, diagnostics);
    }

    /// <summary>Every step id in document order with its place, checked: present, a C# identifier, not reserved, unique.</summary>
    private static List<(string Id, SourceLocation At)> CollectIds(JArray steps, FlowText text, List<Diagnostic> diagnostics)
    {
        var ids = new List<(string Id, SourceLocation At)>();
        void Walk(JArray array)
        {
            foreach (var token in array)
            {
                if (token is not JObject step)
                {
                    diagnostics.Add(text.Locate(token).Error("RE0018", "each step must be an object with \"id\" and \"type\""));
                    continue;
                }
                var idToken = step["id"];
                var id = idToken?.ToString() ?? "";
                if (idToken is null || id.Length == 0)
                    diagnostics.Add(text.Locate(step).Error("RE0019", "this step needs an \"id\" (a name later conditions use, e.g. \"update\")"));
                else if (!Identifier().IsMatch(id) || CSharpKeywords.IsReserved(id) || id is "Row" or "Run")
                    diagnostics.Add(text.Locate(idToken!).Error("RE0020", $"step id '{id}' must be a C# identifier (letters, digits, _; not a keyword, not Row or Run), e.g. \"{Sanitize(id)}\""));
                else if (id.StartsWith(ReservedPrefix, StringComparison.Ordinal))
                    diagnostics.Add(text.Locate(idToken!).Error("RE0023", $"step id '{id}' starts with '{ReservedPrefix}', which is reserved for the engine's own names; use e.g. \"{id.TrimStart('_')}\""));
                else if (ids.Any(i => i.Id == id))
                    diagnostics.Add(text.Locate(idToken!).Error("RE0021", $"step id '{id}' is used twice; ids must be unique within a flow"));
                if (step["type"] is null)
                    diagnostics.Add(text.Locate(step).Error("RE0022", $"step '{id}' needs a \"type\""));
                if (id.Length > 0) ids.Add((id, text.Locate(idToken!)));
                if (step["then"] is JArray then) Walk(then);
                if (step["else"] is JArray otherwise) Walk(otherwise);
            }
        }
        Walk(steps);
        return ids;
    }

    /// <summary>The engine names its own variables in generated code so (<c>__scope</c>); a step id must not clash.</summary>
    private const string ReservedPrefix = "__";

    private static string Describe(JToken token) => token.Type switch
    {
        JTokenType.String => $"the text \"{token}\"",
        JTokenType.Float => $"the fraction {token.ToString(Formatting.None)}",
        JTokenType.Integer => $"{token.ToString(Formatting.None)}",
        _ => token.Type.ToString().ToLowerInvariant(),
    };

    private static void CheckKnownFields(JObject json, IReadOnlyCollection<string> known, FlowText text, List<Diagnostic> diagnostics, string what)
    {
        foreach (var property in json.Properties())
        {
            if (known.Contains(property.Name)) continue;
            diagnostics.Add(text.Locate(property).Error("RE0005",
                $"unknown field \"{property.Name}\" in {what}{NameSuggestion.Hint(property.Name, known)}; known fields: {string.Join(", ", known.Where(k => !k.StartsWith('$')).Distinct(StringComparer.Ordinal))}"));
        }
    }

    private static string Sanitize(string id)
    {
        var cleaned = Regex.Replace(id, "[^A-Za-z0-9_]", "_");
        return cleaned.Length == 0 || char.IsDigit(cleaned[0]) ? "_" + cleaned : cleaned;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
