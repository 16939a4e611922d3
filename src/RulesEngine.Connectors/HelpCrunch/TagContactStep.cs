using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// <c>helpCrunch.tagContact</c> and <c>helpCrunch.untagContact</c>: find contacts like
/// <see cref="UpdateContactStep"/> does, then add tags (<c>PUT /customers/{id}/tags</c>) or remove them
/// (<c>DELETE /customers/{id}/tags</c> with a JSON body). Unlike <c>tags</c> in an update's fields, which sets the
/// list, these leave the contact's other tags alone. The two step types are mirror images sharing every line but
/// the verb, so they live in one class. No matching contact is a failure; no answer is <see cref="OutcomeStatus.Held"/>.
/// Output: <c>contactId</c>, <c>contactIds</c>, <c>matches</c>, <c>tags</c> (the first contact's tags afterwards).
/// </summary>
internal sealed class TagContactStep : IReceiver
{
    public const string TagType = "helpCrunch.tagContact";
    public const string UntagType = "helpCrunch.untagContact";
    public const string FieldSearchBy = "searchBy";
    public const string FieldSearchFor = "searchFor";
    public const string FieldTags = "tags";
    public const string FieldColor = "color";
    public const string FieldMultipleMatches = "multipleMatches";
    public const string OutputTags = "tags";

    public static StepSpec TagSpec { get; } = SpecFor(add: true);
    public static StepSpec UntagSpec { get; } = SpecFor(add: false);

    private readonly HelpCrunchClient _client;
    private readonly ContactLookup _lookup;
    private readonly bool _add;
    private readonly string? _color;
    private readonly Func<ItemScope, string> _searchFor;
    private readonly Func<ItemScope, string> _tags;

    /// <param name="add">True to add the tags, false to remove them.</param>
    /// <param name="tags">Renders the item's tag names, comma-separated.</param>
    public TagContactStep(HelpCrunchClient client, string searchBy, MultipleMatches multipleMatches, bool add,
        Func<ItemScope, string> searchFor, Func<ItemScope, string> tags, string? color = null)
    {
        _client = client;
        _lookup = new ContactLookup(client, searchBy, multipleMatches);
        _add = add;
        _searchFor = searchFor;
        _tags = tags;
        _color = string.IsNullOrWhiteSpace(color) ? null : color.Trim();
    }

    public static IReceiver? CreateTag(StepConfig config) => Create(config, add: true);

    public static IReceiver? CreateUntag(StepConfig config) => Create(config, add: false);

    private static IReceiver? Create(StepConfig config, bool add)
    {
        var client = config.Connection<HelpCrunchClient>();
        var searchBy = config.Text(FieldSearchBy) ?? "email";
        var searchFor = config.Template(FieldSearchFor);
        var tags = config.Template(FieldTags);
        var color = add ? config.Text(FieldColor) : null;
        var multiple = ContactLookup.ParsePolicy(config.Text(FieldMultipleMatches));
        if (tags is not null && !tags.Text.Contains('{', StringComparison.Ordinal) && Names(tags.Text).Count == 0)
            config.Error(FieldTags, MappingCheck.InvalidLiteralCode, $"\"{FieldTags}\" names no tag; write one or more names separated by commas");
        if (client is null || searchFor is null || tags is null) return null;
        return new TagContactStep(client, searchBy, multiple, add, searchFor.Render, tags.Render, color);
    }

    private string Verb => _add ? "tagging" : "untagging";
    private string Done => _add ? "tagged" : "untagged";

    // A stop lets the item in flight finish; no further item is called (ItemByItem).
    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        ItemByItem.ExecuteAsync(items, (item, token) => Render(item, out var searchFor, out var tags) is { } failed
            ? Task.FromResult(failed)
            : ApplyAsync(searchFor, tags, token), cancellationToken);

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        ItemByItem.PreviewAsync(items, PreviewOneAsync, cancellationToken);

    private async Task<StepPreview> PreviewOneAsync(ItemScope item, CancellationToken cancellationToken)
    {
        if (Render(item, out var searchFor, out var tags) is { } failed) return StepPreview.NothingSent(failed);
        var value = searchFor.Trim();
        if (Check(value, tags, out var body) is { } invalid) return StepPreview.NothingSent(invalid);
        var lookup = _lookup.Preview(value);
        try
        {
            // The search is read-only, so the prediction can say which contacts would change.
            var (targets, total) = await _lookup.FindAsync(value, cancellationToken).ConfigureAwait(false);
            if (_lookup.Decide(value, targets, total, FieldMultipleMatches, Done) is { } refused)
                return StepPreview.Predicting([lookup], refused);
            var calls = targets.Select(c => _client.PreviewTag(c.Id, body, _add)).ToList();
            return new StepPreview([lookup, .. calls], StepOutcome.Success(new Dictionary<string, string>
            {
                ["prediction"] = $"predicted: {Verb} {string.Join(", ", targets.Select(c => "contact " + c.Id))}",
            }));
        }
        catch (HelpCrunchException e)
        {
            var guess = FromError($"predicted: searching contacts failed", e, new Dictionary<string, string>());
            return new StepPreview([lookup, _client.PreviewTag("{id}", body, _add)], guess);
        }
    }

    /// <summary>The whole step for one item, from already-rendered values.</summary>
    public async Task<StepOutcome> ApplyAsync(string searchFor, string tags, CancellationToken cancellationToken)
    {
        var value = searchFor.Trim();
        if (Check(value, tags, out var body) is { } invalid) return invalid;
        (IReadOnlyList<HelpCrunchContact> Targets, int Total) found;
        try
        {
            found = await _lookup.FindAsync(value, cancellationToken).ConfigureAwait(false);
        }
        catch (HelpCrunchException e)
        {
            return FromError($"searching contacts by {_lookup.SearchBy}", e, new Dictionary<string, string>());
        }
        if (_lookup.Decide(value, found.Targets, found.Total, FieldMultipleMatches, Done) is { } refused) return refused;

        var done = new List<string>();
        var after = "";
        foreach (var contact in found.Targets)
        {
            try
            {
                var changed = _add
                    ? await _client.TagAsync(contact.Id, body, cancellationToken).ConfigureAwait(false)
                    : await _client.UntagAsync(contact.Id, body, cancellationToken).ConfigureAwait(false);
                if (done.Count == 0) after = string.Join(",", changed.Tags);
                done.Add(contact.Id);
            }
            catch (HelpCrunchException e)
            {
                var before = done.Count > 0 ? $" ({done.Count} of {found.Targets.Count} {Done} before this)" : "";
                return FromError($"{Verb} contact {contact.Id}{before}", e, Output(done, found.Total, after));
            }
        }
        return StepOutcome.Success(Output(done, found.Total, after));
    }

    private StepOutcome? Check(string value, string tags, out JArray body)
    {
        var names = Names(tags);
        body = new JArray(names.Select(name =>
        {
            var tag = new JObject { ["name"] = name };
            if (_add && _color is not null) tag["color"] = _color;
            return tag;
        }));
        if (_lookup.Problem(value, FieldSearchFor) is { } problem) return StepOutcome.Failure(problem);
        if (names.Count == 0) return StepOutcome.Failure($"no tags to {(_add ? "add" : "remove")}: \"{FieldTags}\" is empty for this item");
        return null;
    }

    /// <summary>Tag names from a comma-separated text: trimmed, empty ones dropped, repeats once (names are case-sensitive).</summary>
    private static List<string> Names(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private StepOutcome? Render(ItemScope item, out string searchFor, out string tags)
    {
        try
        {
            searchFor = _searchFor(item);
            tags = _tags(item);
            return null;
        }
        catch (ExpressionException e)
        {
            searchFor = tags = "";
            return StepOutcome.Failure(e.Message, e);
        }
    }

    private static Dictionary<string, string> Output(IReadOnlyList<string> ids, int total, string tags) => new()
    {
        [UpdateContactStep.OutputContactId] = ids.Count > 0 ? ids[0] : "",
        [UpdateContactStep.OutputContactIds] = string.Join(",", ids),
        [UpdateContactStep.OutputMatches] = total.ToString(CultureInfo.InvariantCulture),
        [OutputTags] = tags,
    };

    private static StepOutcome FromError(string doing, HelpCrunchException e, IReadOnlyDictionary<string, string> output) =>
        e.IsTransient
            ? StepOutcome.Held($"{doing}: {e.Message}", e)
            : StepOutcome.Failure($"{doing}: {e.Message}", e, output);

    private static StepSpec SpecFor(bool add)
    {
        List<FieldSpec> fields =
        [
            new(FieldSearchBy, FieldKind.Text, "the contact field to search by (default email)", AllowedValues: ContactLookup.SearchFields, Example: "email"),
            new(FieldSearchFor, FieldKind.Template, "the value to search for, usually a source field", Required: true, Example: "{Email}"),
            new(FieldTags, FieldKind.Template,
                add ? "the tag names to add, comma-separated (HelpCrunch creates tags it does not know yet; names are case-sensitive)"
                    : "the tag names to remove, comma-separated (case-sensitive); a tag the contact does not have is ignored",
                Required: true, Example: add ? "lead, {Segment}" : "trial"),
        ];
        if (add) fields.Add(new(FieldColor, FieldKind.Text, "the colour of tags this step creates, any CSS colour (HelpCrunch's default is #c377e0)", Example: "#ff0000"));
        fields.Add(new(FieldMultipleMatches, FieldKind.Text,
            $"when several contacts match: {(add ? "tag" : "untag")} the first one the search returns, all of them, or none and fail (default first)",
            AllowedValues: ["first", "all", "fail"], Example: "first"));
        return new StepSpec(
            add ? TagType : UntagType,
            add ? "Add tags to a HelpCrunch contact found by a field, keeping its other tags; fails when no contact matches."
                : "Remove tags from a HelpCrunch contact found by a field, keeping its other tags; fails when no contact matches.",
            fields,
            HelpCrunchConnection.Type)
        {
            Errors = [MappingCheck.InvalidLiteral],
        };
    }
}
