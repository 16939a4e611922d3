using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// <c>helpCrunch.updateContact</c>: finds contacts by one field (<c>POST /customers/search</c>, or
/// <c>GET /customers/{id}</c> for <c>searchBy: "id"</c>) and PATCHes the mapped fields onto them.
/// No match is a failure (flows route it to "create"); no answer from HelpCrunch is <see cref="OutcomeStatus.Held"/>,
/// so a timeout is never mistaken for "not found". Output: <c>contactId</c> (the first updated), <c>contactIds</c>
/// (all updated, comma-separated) and <c>matches</c> (how many contacts matched). Mapping rules:
/// <see cref="ContactFieldMapping"/>.
/// </summary>
public sealed class UpdateContactStep : IReceiver
{
    public const string Type = "helpCrunch.updateContact";
    public const string FieldSearchBy = "searchBy";
    public const string FieldSearchFor = "searchFor";
    public const string FieldFields = "fields";
    public const string FieldMultipleMatches = "multipleMatches";

    public const string OutputContactId = "contactId";
    public const string OutputContactIds = "contactIds";
    public const string OutputMatches = "matches";

    private const string SearchById = "id";
    private const int PageSize = 100;

    public static readonly IReadOnlyList<string> SearchFields = ["email", "userId", "phone", "name", "company", SearchById];

    public static StepSpec Spec { get; } = new(
        Type,
        "Find a HelpCrunch contact by a field and update it; fails when no contact matches.",
        [
            new FieldSpec(FieldSearchBy, FieldKind.Text, "the contact field to search by (default email)", AllowedValues: SearchFields, Example: "email"),
            new FieldSpec(FieldSearchFor, FieldKind.Template, "the value to search for, usually a source field", Required: true, Example: "{Email}"),
            new FieldSpec(FieldFields, FieldKind.Mapping,
                "contact fields to set: " + string.Join(", ", ContactFieldMapping.Known) + ". Empty values are left out; null clears a field.",
                Required: true, Example: "{\"name\": \"{Name}\", \"locale\": \"{Locale}\", \"customData\": {\"plan\": \"{Plan}\"}, \"tags\": [\"lead\"]}"),
            new FieldSpec(FieldMultipleMatches, FieldKind.Text, "when several contacts match: update the first, all of them, or fail (default first)",
                AllowedValues: ["first", "all", "fail"], Example: "first"),
        ],
        HelpCrunchConnection.Type);

    private readonly HelpCrunchClient _client;
    private readonly string _searchBy;
    private readonly MultipleMatches _multipleMatches;
    private readonly Func<ItemScope, string> _searchFor;
    private readonly Func<ItemScope, JToken> _fields;

    /// <param name="searchFor">Renders the search value for an item (a compiled template's Render).</param>
    /// <param name="fields">Renders the field mapping for an item (a template map's Render).</param>
    public UpdateContactStep(HelpCrunchClient client, string searchBy, MultipleMatches multipleMatches,
        Func<ItemScope, string> searchFor, Func<ItemScope, JToken> fields)
    {
        if (!SearchFields.Contains(searchBy)) throw new ArgumentException($"searchBy must be one of {string.Join(", ", SearchFields)}", nameof(searchBy));
        _client = client;
        _searchBy = searchBy;
        _multipleMatches = multipleMatches;
        _searchFor = searchFor;
        _fields = fields;
    }

    public static IReceiver Create(StepConfig config)
    {
        var client = config.Connection<HelpCrunchClient>();
        var searchBy = config.Text(FieldSearchBy) ?? "email";
        var searchFor = config.Template(FieldSearchFor);
        var fields = config.Mapping(FieldFields);
        var multiple = config.Text(FieldMultipleMatches) switch
        {
            "all" => MultipleMatches.All,
            "fail" => MultipleMatches.Fail,
            _ => MultipleMatches.First,
        };
        if (fields is not null) MappingCheck.Run(config, FieldFields, fields);
        if (client is null || searchFor is null || fields is null) return new UnconfiguredReceiver(config.Id);
        return new UpdateContactStep(client, searchBy, multiple, searchFor.Render, fields.Render);
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
        {
            outcomes.Add(Render(item, out var searchFor, out var fields) is { } failed
                ? failed
                : await UpdateAsync(searchFor, fields, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    public async Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var previews = new List<StepPreview>(items.Count);
        foreach (var item in items)
        {
            previews.Add(Render(item, out var searchFor, out var fields) is { } failed
                ? new StepPreview([], failed)
                : await PreviewAsync(searchFor, fields, cancellationToken).ConfigureAwait(false));
        }
        return previews;
    }

    /// <summary>The whole step for one item, from already-rendered values.</summary>
    public async Task<StepOutcome> UpdateAsync(string searchFor, JToken fields, CancellationToken cancellationToken)
    {
        if (!ContactFieldMapping.TryBuild(fields, out var body, out var invalid)) return StepOutcome.Failure(invalid);
        var value = searchFor.Trim();
        if (SearchProblem(value) is { } problem) return StepOutcome.Failure(problem);

        (IReadOnlyList<HelpCrunchContact> Targets, int Total) found;
        try
        {
            found = await FindAsync(value, cancellationToken).ConfigureAwait(false);
        }
        catch (HelpCrunchException e)
        {
            return FromError($"searching contacts by {_searchBy}", e, new Dictionary<string, string>());
        }
        if (Decide(value, found.Targets, found.Total) is { } refused) return refused;

        var updated = new List<string>();
        foreach (var contact in found.Targets)
        {
            try
            {
                await _client.UpdateAsync(contact.Id, body, cancellationToken).ConfigureAwait(false);
                updated.Add(contact.Id);
            }
            catch (HelpCrunchException e)
            {
                var done = updated.Count > 0 ? $" (updated {updated.Count} of {found.Targets.Count} before this)" : "";
                return FromError($"updating contact {contact.Id}{done}", e, Output(updated, found.Total));
            }
        }
        return StepOutcome.Success(Output(updated, found.Total));
    }

    /// <summary>
    /// The requests <see cref="UpdateAsync"/> would send for one item. Runs the read-only search so the prediction
    /// says whether the update would find a contact; nothing is changed.
    /// </summary>
    public async Task<StepPreview> PreviewAsync(string searchFor, JToken fields, CancellationToken cancellationToken)
    {
        if (!ContactFieldMapping.TryBuild(fields, out var body, out var invalid)) return new StepPreview([], StepOutcome.Failure(invalid));
        var value = searchFor.Trim();
        if (SearchProblem(value) is { } problem) return new StepPreview([], StepOutcome.Failure(problem));

        var lookup = _searchBy == SearchById ? _client.PreviewGet(value) : _client.PreviewSearch(_searchBy, value, SearchLimit);
        try
        {
            var (targets, total) = await FindAsync(value, cancellationToken).ConfigureAwait(false);
            if (Decide(value, targets, total) is { } refused)
                return new StepPreview([lookup], refused with { Error = "predicted: " + refused.Error });
            var updates = targets.Select(c => _client.PreviewUpdate(c.Id, body)).ToList();
            var output = new Dictionary<string, string>(Output([.. targets.Select(c => c.Id)], total))
            {
                ["prediction"] = $"predicted: would update {string.Join(", ", targets.Select(c => "contact " + c.Id))}",
            };
            return new StepPreview([lookup, .. updates], StepOutcome.Success(output));
        }
        catch (HelpCrunchException e)
        {
            var guess = FromError("predicted: searching contacts failed", e, new Dictionary<string, string>());
            return new StepPreview([lookup, _client.PreviewUpdate("{id}", body)], guess);
        }
    }

    private int SearchLimit => _multipleMatches switch
    {
        MultipleMatches.First => 1,
        MultipleMatches.Fail => 2,
        _ => PageSize,
    };

    private StepOutcome? Render(ItemScope item, out string searchFor, out JToken fields)
    {
        try
        {
            searchFor = _searchFor(item);
            fields = _fields(item);
            return null;
        }
        catch (ExpressionException e)
        {
            searchFor = "";
            fields = JValue.CreateNull();
            return StepOutcome.Failure(e.Message, e);
        }
    }

    private string? SearchProblem(string value)
    {
        // An empty value would match every contact whose field is empty: never search for it.
        if (value.Length == 0) return $"nothing to search for: \"{FieldSearchFor}\" is empty for this item (searchBy {_searchBy})";
        if (_searchBy == SearchById && !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return $"HelpCrunch contact ids are numbers; '{value}' is not one";
        return null;
    }

    private async Task<(IReadOnlyList<HelpCrunchContact> Targets, int Total)> FindAsync(string value, CancellationToken cancellationToken)
    {
        if (_searchBy == SearchById)
        {
            // GET by id is exact; "customers.id" is not among the documented search fields.
            var contact = await _client.GetAsync(value, cancellationToken).ConfigureAwait(false);
            return contact is null ? ([], 0) : ([contact], 1);
        }
        var first = await _client.SearchAsync(_searchBy, value, SearchLimit, 0, cancellationToken).ConfigureAwait(false);
        if (_multipleMatches != MultipleMatches.All) return (first.Contacts, Math.Max(first.Total, first.Contacts.Count));
        var all = new List<HelpCrunchContact>(first.Contacts);
        var page = first;
        while (page.Contacts.Count == PageSize && all.Count < first.Total)
        {
            page = await _client.SearchAsync(_searchBy, value, PageSize, all.Count, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Contacts);
        }
        // Pages can overlap if contacts change meanwhile; update each one once.
        var distinct = all.DistinctBy(c => c.Id).ToList();
        return (distinct, Math.Max(first.Total, distinct.Count));
    }

    /// <summary>The failure for "nothing to update" or "too many to choose from", or null to go ahead.</summary>
    private StepOutcome? Decide(string value, IReadOnlyList<HelpCrunchContact> targets, int total)
    {
        if (targets.Count == 0) return StepOutcome.Failure($"no HelpCrunch contact with {_searchBy} = {value}");
        if (_multipleMatches == MultipleMatches.Fail && total > 1)
        {
            return StepOutcome.Failure(
                $"{total} HelpCrunch contacts have {_searchBy} = {value}; none updated because \"{FieldMultipleMatches}\" is \"fail\"",
                output: new Dictionary<string, string> { [OutputMatches] = total.ToString(CultureInfo.InvariantCulture) });
        }
        return null;
    }

    private static Dictionary<string, string> Output(IReadOnlyList<string> ids, int total) => new()
    {
        [OutputContactId] = ids.Count > 0 ? ids[0] : "",
        [OutputContactIds] = string.Join(",", ids),
        [OutputMatches] = total.ToString(CultureInfo.InvariantCulture),
    };

    private static StepOutcome FromError(string doing, HelpCrunchException e, IReadOnlyDictionary<string, string> output) =>
        e.IsTransient
            ? StepOutcome.Held($"{doing}: {e.Message}", e)
            : StepOutcome.Failure($"{doing}: {e.Message}", e, output);
}
