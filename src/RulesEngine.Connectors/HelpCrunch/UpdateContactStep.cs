using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// <c>helpCrunch.updateContact</c>: finds contacts by one field (<c>POST /customers/search</c>, or
/// <c>GET /customers/{id}</c> for <c>searchBy: "id"</c>) and PATCHes the mapped fields onto them; a batch of rows is
/// served with one OR search and <c>PUT /customers/batch</c> (see <see cref="ExecuteAsync"/>), with the same per-row results.
/// No match is a failure (flows route it to "create"); no answer from HelpCrunch is <see cref="OutcomeStatus.Held"/>,
/// so a timeout is never mistaken for "not found". Output: <c>contactId</c> (the first updated), <c>contactIds</c>
/// (all updated, comma-separated) and <c>matches</c> (how many contacts matched). Mapping rules:
/// <see cref="ContactFieldMapping"/>.
/// </summary>
internal sealed class UpdateContactStep : IReceiver
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
        HelpCrunchConnection.Type)
    {
        Errors = [MappingCheck.UnknownField, MappingCheck.InvalidLiteral],
    };

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

    /// <summary>
    /// Serves a batch with few requests: one <c>POST /customers/search</c> (OR of the rows' values, paged) for up to
    /// <see cref="ContactLookup.MaxValuesPerSearch"/> distinct values, then <c>PUT /customers/batch</c> with up to 10
    /// updates. Each row's outcome is what <see cref="UpdateAsync"/> gives it alone: a request refused for the group
    /// (4xx) is split in halves down to single calls (single calls are the unbatched ones, so the error text is the
    /// row's own); a transient or malformed answer holds the rows it concerns. Rows whose mapping changes the searched
    /// field, and <c>searchBy: "id"</c>, go one by one (a row's update could change what a later row finds).
    /// </summary>
    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new StepOutcome?[items.Count];
        var ready = new List<Row>();
        for (var i = 0; i < items.Count; i++)
        {
            if (StepCall.Current.IsStopping)
            {
                outcomes[i] = StepCall.NotCalled();
                continue;
            }
            if (Render(items[i], out var searchFor, out var fields) is { } failed) outcomes[i] = failed;
            else if (Prepare(searchFor, fields, out var body, out var value) is { } invalid) outcomes[i] = invalid;
            else ready.Add(new Row(i, value, body));
        }

        var batched = _lookup.SearchBy != ContactLookup.SearchById
            && ready.Select(r => r.Value).Distinct(StringComparer.Ordinal).Skip(1).Any()
            && !ready.Any(r => r.Body.ContainsKey(_lookup.SearchBy));
        if (!batched)
        {
            foreach (var row in ready)
            {
                // A stop lets the item in flight finish; no further item is called.
                outcomes[row.Index] = StepCall.Current.IsStopping ? StepCall.NotCalled() : await UpdatePreparedAsync(row.Value, row.Body, cancellationToken).ConfigureAwait(false);
            }
            return Complete(outcomes);
        }

        var lookups = new Dictionary<string, Lookup>(StringComparer.Ordinal);
        foreach (var group in ready.Select(r => r.Value).Distinct(StringComparer.Ordinal).Chunk(ContactLookup.MaxValuesPerSearch))
            await SearchGroupAsync(group, lookups, cancellationToken).ConfigureAwait(false);

        var single = new List<UpdateItem>();
        foreach (var row in ready)
        {
            var lookup = lookups[row.Value];
            if (lookup.Outcome is { } decided)
            {
                outcomes[row.Index] = decided;
                continue;
            }
            if (_lookup.Decide(row.Value, lookup.Targets, lookup.Total, FieldMultipleMatches, "updated") is { } refused)
            {
                outcomes[row.Index] = refused;
                continue;
            }
            if (lookup.Targets.Count == 1)
            {
                single.Add(new UpdateItem(row.Index, lookup.Targets[0], row.Body, lookup.Total));
                continue;
            }
            // Several contacts for one row ("all"): one by one as unbatched. Their contacts are no other value's.
            outcomes[row.Index] = StepCall.Current.IsStopping
                ? StepCall.NotCalled()
                : await UpdateTargetsAsync(lookup.Targets, lookup.Total, row.Body, cancellationToken).ConfigureAwait(false);
        }
        foreach (var chunk in Pack(single))
            await UpdateChunkAsync(chunk, outcomes, mayHaveActed: false, cancellationToken).ConfigureAwait(false);
        return Complete(outcomes);
    }

    private static StepOutcome[] Complete(StepOutcome?[] outcomes) =>
        [.. outcomes.Select(o => o ?? throw new InvalidOperationException("an item got no outcome"))];

    /// <summary>Searches for a group of values at once; a refused group is split, an unclear attribution searched alone.</summary>
    private async Task SearchGroupAsync(IReadOnlyList<string> group, Dictionary<string, Lookup> lookups, CancellationToken cancellationToken)
    {
        if (group.Count == 1)
        {
            lookups[group[0]] = await SearchOneAsync(group[0], cancellationToken).ConfigureAwait(false);
            return;
        }
        if (StepCall.Current.IsStopping)
        {
            foreach (var value in group) lookups[value] = Lookup.Done(StepCall.NotCalled());
            return;
        }
        List<HelpCrunchContact> found;
        try
        {
            found = await _lookup.SearchAnyAsync(group, cancellationToken).ConfigureAwait(false);
        }
        catch (HelpCrunchException e) when (Splittable(e))
        {
            // Refused (4xx): one value may be the cause. Halves, down to the single search each value gets unbatched.
            var half = group.Count / 2;
            await SearchGroupAsync([.. group.Take(half)], lookups, cancellationToken).ConfigureAwait(false);
            await SearchGroupAsync([.. group.Skip(half)], lookups, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (HelpCrunchException e)
        {
            // No answer, or a malformed one: every value of this search is held (never "not found").
            foreach (var value in group) lookups[value] = Lookup.Done(FromError($"searching contacts by {_lookup.SearchBy}", e, new Dictionary<string, string>()));
            return;
        }
        foreach (var (value, contacts) in _lookup.Attribute(group, found))
        {
            lookups[value] = contacts is null
                ? await SearchOneAsync(value, cancellationToken).ConfigureAwait(false)
                : Lookup.Found(_lookup.Choose(contacts));
        }
    }

    private async Task<Lookup> SearchOneAsync(string value, CancellationToken cancellationToken)
    {
        if (StepCall.Current.IsStopping) return Lookup.Done(StepCall.NotCalled());
        try
        {
            return Lookup.Found(await _lookup.FindAsync(value, cancellationToken).ConfigureAwait(false));
        }
        catch (HelpCrunchException e)
        {
            return Lookup.Done(FromError($"searching contacts by {_lookup.SearchBy}", e, new Dictionary<string, string>()));
        }
    }

    /// <summary>Chunks of at most 10 updates in row order; a contact twice goes into a later chunk, so the later row's update lands last.</summary>
    private static List<List<UpdateItem>> Pack(List<UpdateItem> items)
    {
        var chunks = new List<List<UpdateItem>>();
        List<UpdateItem>? current = null;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (current is null || current.Count == HelpCrunchClient.MaxBatchUpdate || ids.Contains(item.Contact.Id))
            {
                current = [];
                chunks.Add(current);
                ids.Clear();
            }
            current.Add(item);
            ids.Add(item.Contact.Id);
        }
        return chunks;
    }

    private async Task UpdateChunkAsync(List<UpdateItem> chunk, StepOutcome?[] outcomes, bool mayHaveActed, CancellationToken cancellationToken)
    {
        if (StepCall.Current.IsStopping)
        {
            // Items of a refused batch may have been applied before the refusal: not "nothing sent" then.
            foreach (var item in chunk) outcomes[item.Index] = StepCall.NotCalled() with { NoEffect = !mayHaveActed };
            return;
        }
        if (chunk.Count == 1)
        {
            var item = chunk[0];
            outcomes[item.Index] = await UpdateTargetsAsync([item.Contact], item.Total, item.Body, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await _client.BatchUpdateAsync([.. chunk.Select(i => (i.Contact.Id, i.Body))], cancellationToken).ConfigureAwait(false);
            foreach (var item in chunk) outcomes[item.Index] = StepOutcome.Success(Output([item.Contact.Id], item.Total));
        }
        catch (HelpCrunchException e) when (Splittable(e))
        {
            // How a batch answers for one bad item is not documented: split, down to single PATCHes, so the error lands
            // on the row that caused it. Updates are idempotent, so items the service applied before refusing are harmless.
            var half = chunk.Count / 2;
            await UpdateChunkAsync(chunk[..half], outcomes, mayHaveActed: true, cancellationToken).ConfigureAwait(false);
            await UpdateChunkAsync(chunk[half..], outcomes, mayHaveActed: true, cancellationToken).ConfigureAwait(false);
        }
        catch (HelpCrunchException e)
        {
            foreach (var item in chunk) outcomes[item.Index] = FromError($"updating contact {item.Contact.Id}", e, Output([], item.Total));
        }
    }

    // A refusal that may concern one item; a bad key (401) concerns them all, and splitting would only multiply it.
    private static bool Splittable(HelpCrunchException e) => !e.IsTransient && e.StatusCode is >= 400 and < 500 and not 401;

    private sealed record Row(int Index, string Value, JObject Body);

    private sealed record UpdateItem(int Index, HelpCrunchContact Contact, JObject Body, int Total);

    /// <summary>What the search gave one value: its targets and total, or an outcome already decided (held, failed, not called).</summary>
    private sealed record Lookup(IReadOnlyList<HelpCrunchContact> Targets, int Total, StepOutcome? Outcome)
    {
        public static Lookup Found((IReadOnlyList<HelpCrunchContact> Targets, int Total) found) => new(found.Targets, found.Total, null);

        public static Lookup Done(StepOutcome outcome) => new([], 0, outcome);
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
    public async Task<StepOutcome> UpdateAsync(string searchFor, JToken fields, CancellationToken cancellationToken) =>
        Prepare(searchFor, fields, out var body, out var value) is { } invalid
            ? invalid
            : await UpdatePreparedAsync(value, body, cancellationToken).ConfigureAwait(false);

    /// <summary>The mapped body and trimmed search value, or the failure that sends nothing.</summary>
    private StepOutcome? Prepare(string searchFor, JToken fields, out JObject body, out string value)
    {
        value = searchFor.Trim();
        if (!ContactFieldMapping.TryBuild(fields, out body, out var invalid)) return StepOutcome.Failure(invalid);
        if (_lookup.Problem(value, FieldSearchFor) is { } problem) return StepOutcome.Failure(problem);
        return null;
    }

    private async Task<StepOutcome> UpdatePreparedAsync(string value, JObject body, CancellationToken cancellationToken)
    {
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
        return await UpdateTargetsAsync(found.Targets, found.Total, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PATCHes each target in turn, as the unbatched step does.</summary>
    private async Task<StepOutcome> UpdateTargetsAsync(IReadOnlyList<HelpCrunchContact> targets, int total, JObject body, CancellationToken cancellationToken)
    {
        var updated = new List<string>();
        foreach (var contact in targets)
        {
            // Updating is idempotent: a stop between contacts holds the row, and the next run updates them all again.
            if (updated.Count > 0 && StepCall.Current.IsStopping)
                return StepOutcome.Held($"updated {updated.Count} of {targets.Count} contacts, then stopped: {StepCall.StoppingReason}") with { NoEffect = false };
            try
            {
                await _client.UpdateAsync(contact.Id, body, cancellationToken).ConfigureAwait(false);
                updated.Add(contact.Id);
            }
            catch (HelpCrunchException e)
            {
                var done = updated.Count > 0 ? $" (updated {updated.Count} of {targets.Count} before this)" : "";
                return FromError($"updating contact {contact.Id}{done}", e, Output(updated, total));
            }
        }
        return StepOutcome.Success(Output(updated, total));
    }

    /// <summary>
    /// The requests <see cref="UpdateAsync"/> would send for one item. Runs the read-only search so the prediction
    /// says whether the update would find a contact; nothing is changed.
    /// </summary>
    public async Task<StepPreview> PreviewAsync(string searchFor, JToken fields, CancellationToken cancellationToken)
    {
        if (!ContactFieldMapping.TryBuild(fields, out var body, out var invalid)) return StepPreview.NothingSent(StepOutcome.Failure(invalid));
        var value = searchFor.Trim();
        if (_lookup.Problem(value, FieldSearchFor) is { } problem) return StepPreview.NothingSent(StepOutcome.Failure(problem));

        var lookup = _lookup.Preview(value);
        try
        {
            var (targets, total) = await _lookup.FindAsync(value, cancellationToken).ConfigureAwait(false);
            if (_lookup.Decide(value, targets, total, FieldMultipleMatches, "updated") is { } refused)
                return StepPreview.Predicting([lookup], refused);
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
