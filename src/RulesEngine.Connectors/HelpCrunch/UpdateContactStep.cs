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

    public static readonly IReadOnlyList<string> SearchFields = ContactLookup.SearchFields;

    public static StepSpec Spec { get; } = new(
        Type,
        "Find a HelpCrunch contact by a field and update it; fails when no contact matches.",
        [
            new FieldSpec(FieldSearchBy, FieldKind.Text, "the contact field to search by (default email)", AllowedValues: SearchFields, Example: "email"),
            new FieldSpec(FieldSearchFor, FieldKind.Template, "the value to search for, usually a source field", Required: true, Example: "{Email}"),
            new FieldSpec(FieldFields, FieldKind.Mapping,
                "contact fields to set: " + string.Join(", ", ContactFieldMapping.Known) + ". Empty values are left out; null clears a field.",
                Required: true, Example: "{\"name\": \"{Name}\", \"locale\": \"{Locale}\", \"customData\": {\"plan\": \"{Plan}\"}, \"tags\": [\"lead\"]}"),
            new FieldSpec(FieldMultipleMatches, FieldKind.Text,
                "when several contacts match (emails are not unique in HelpCrunch): update the first one the search returns, all of them, " +
                "or none and fail saying how many matched (default first)",
                AllowedValues: ["first", "all", "fail"], Example: "first"),
        ],
        HelpCrunchConnection.Type);

    private readonly HelpCrunchClient _client;
    private readonly ContactLookup _lookup;
    private readonly Func<ItemScope, string> _searchFor;
    private readonly Func<ItemScope, JToken> _fields;

    /// <param name="searchFor">Renders the search value for an item (a compiled template's Render).</param>
    /// <param name="fields">Renders the field mapping for an item (a template map's Render).</param>
    public UpdateContactStep(HelpCrunchClient client, string searchBy, MultipleMatches multipleMatches,
        Func<ItemScope, string> searchFor, Func<ItemScope, JToken> fields)
    {
        _client = client;
        _lookup = new ContactLookup(client, searchBy, multipleMatches);
        _searchFor = searchFor;
        _fields = fields;
    }

    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<HelpCrunchClient>();
        var searchBy = config.Text(FieldSearchBy) ?? "email";
        var searchFor = config.Template(FieldSearchFor);
        var fields = config.Mapping(FieldFields);
        var multiple = ContactLookup.ParsePolicy(config.Text(FieldMultipleMatches));
        if (fields is not null) MappingCheck.Run(config, FieldFields, fields);
        if (client is null || searchFor is null || fields is null) return null;
        return new UpdateContactStep(client, searchBy, multiple, searchFor.Render, fields.Render);
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
        {
            // A stop lets the item in flight finish; no further item is called.
            if (StepCall.Current.IsStopping)
            {
                outcomes.Add(StepCall.NotCalled());
                continue;
            }
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
        if (_lookup.Problem(value, FieldSearchFor) is { } problem) return StepOutcome.Failure(problem);

        (IReadOnlyList<HelpCrunchContact> Targets, int Total) found;
        try
        {
            found = await _lookup.FindAsync(value, cancellationToken).ConfigureAwait(false);
        }
        catch (HelpCrunchException e)
        {
            return FromError($"searching contacts by {_lookup.SearchBy}", e, new Dictionary<string, string>());
        }
        if (_lookup.Decide(value, found.Targets, found.Total, FieldMultipleMatches, "updated") is { } refused) return refused;

        var updated = new List<string>();
        foreach (var contact in found.Targets)
        {
            // Updating is idempotent: a stop between contacts holds the row, and the next run updates them all again.
            if (updated.Count > 0 && StepCall.Current.IsStopping)
                return StepOutcome.Held($"updated {updated.Count} of {found.Targets.Count} contacts, then stopped: {StepCall.StoppingReason}") with { NoEffect = false };
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
        if (_lookup.Problem(value, FieldSearchFor) is { } problem) return new StepPreview([], StepOutcome.Failure(problem));

        var lookup = _lookup.Preview(value);
        try
        {
            var (targets, total) = await _lookup.FindAsync(value, cancellationToken).ConfigureAwait(false);
            if (_lookup.Decide(value, targets, total, FieldMultipleMatches, "updated") is { } refused)
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
