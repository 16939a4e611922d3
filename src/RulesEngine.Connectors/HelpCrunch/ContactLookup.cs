using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// How the steps that act on existing contacts find them: by one field with <c>POST /customers/search</c>
/// (<c>=</c>), or by id with <c>GET /customers/{id}</c>, and what to do when several match
/// (<see cref="MultipleMatches"/>: emails are not unique in HelpCrunch). Shared by update, tag and untag.
/// </summary>
internal sealed class ContactLookup
{
    public const string SearchById = "id";
    private const int PageSize = 100;

    /// <summary>How many values one OR search asks for (the docs set no limit on filters; this keeps a body small).</summary>
    public const int MaxValuesPerSearch = 50;

    public static readonly IReadOnlyList<string> SearchFields = ["email", "userId", "phone", "name", "company", SearchById];

    private readonly HelpCrunchClient _client;

    public ContactLookup(HelpCrunchClient client, string searchBy, MultipleMatches multipleMatches)
    {
        if (!SearchFields.Contains(searchBy)) throw new ArgumentException($"searchBy must be one of {string.Join(", ", SearchFields)}", nameof(searchBy));
        _client = client;
        SearchBy = searchBy;
        MultipleMatches = multipleMatches;
    }

    public string SearchBy { get; }
    public MultipleMatches MultipleMatches { get; }

    /// <summary>Why <paramref name="value"/> cannot be searched for, or null when it can.</summary>
    public string? Problem(string value, string searchForField)
    {
        // An empty value would match every contact whose field is empty: never search for it.
        if (value.Length == 0) return $"nothing to search for: \"{searchForField}\" is empty for this item (searchBy {SearchBy})";
        if (SearchBy == SearchById && !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return $"HelpCrunch contact ids are numbers; '{value}' is not one";
        return null;
    }

    /// <summary>The request that finds the contacts, as it may be shown.</summary>
    public RequestPreview Preview(string value) =>
        SearchBy == SearchById ? _client.PreviewGet(value) : _client.PreviewSearch(SearchBy, value, SearchLimit);

    /// <summary>The contacts to act on (one, unless the policy is <see cref="MultipleMatches.All"/>) and how many matched.</summary>
    /// <exception cref="HelpCrunchException">The search failed.</exception>
    public async Task<(IReadOnlyList<HelpCrunchContact> Targets, int Total)> FindAsync(string value, CancellationToken cancellationToken)
    {
        if (SearchBy == SearchById)
        {
            // GET by id is exact; "customers.id" is not among the documented search fields.
            var contact = await _client.GetAsync(value, cancellationToken).ConfigureAwait(false);
            return contact is null ? ([], 0) : ([contact], 1);
        }
        var first = await _client.SearchAsync(SearchBy, value, SearchLimit, 0, cancellationToken).ConfigureAwait(false);
        if (MultipleMatches != MultipleMatches.All) return (first.Contacts, Math.Max(first.Total, first.Contacts.Count));
        var all = new List<HelpCrunchContact>(first.Contacts);
        var page = first;
        while (page.Contacts.Count == PageSize && all.Count < first.Total)
        {
            page = await _client.SearchAsync(SearchBy, value, PageSize, all.Count, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Contacts);
        }
        // Pages can overlap if contacts change meanwhile; act on each one once.
        var distinct = all.DistinctBy(c => c.Id).ToList();
        return (distinct, Math.Max(first.Total, distinct.Count));
    }

    /// <summary>
    /// Every contact that matches any of <paramref name="values"/>: <c>POST /customers/search</c> with one <c>=</c>
    /// filter per value and <c>"comparison": "OR"</c>, paged with limit/offset until <c>total</c> is read (a service
    /// that caps the limit lower is paged by what it returned). Each contact once, in the order the search gave them.
    /// </summary>
    /// <exception cref="HelpCrunchException">A page failed or was malformed.</exception>
    public async Task<List<HelpCrunchContact>> SearchAnyAsync(IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        var all = new List<HelpCrunchContact>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var offset = 0;
        while (true)
        {
            var page = await _client.SearchAnyAsync(SearchBy, values, PageSize, offset, cancellationToken).ConfigureAwait(false);
            foreach (var contact in page.Contacts)
            {
                if (seen.Add(contact.Id)) all.Add(contact);
            }
            offset += page.Contacts.Count;
            // An empty page before total is malformed (HelpCrunchAnswer throws), so this ends.
            if (page.Contacts.Count == 0 || offset >= page.Total) return all;
        }
    }

    /// <summary>
    /// Which of the found contacts belong to which value: a contact whose field equals exactly one value, and no other
    /// value even ignoring case, is that value's. Whether HelpCrunch's <c>=</c> ignores case is not documented, so a
    /// value that a contact matches only ignoring case (or together with another value differing in case) gets null:
    /// search for it alone. When a contact matches no value at all (the service compared some other way), every value
    /// that got no contact gets null too, so "not found" is never said from an answer that cannot prove it.
    /// </summary>
    public Dictionary<string, List<HelpCrunchContact>?> Attribute(IReadOnlyList<string> values, IReadOnlyList<HelpCrunchContact> found)
    {
        var result = new Dictionary<string, List<HelpCrunchContact>?>(StringComparer.Ordinal);
        foreach (var value in values) result[value] = [];
        var unexplained = false;
        foreach (var contact in found)
        {
            var text = FieldText(contact);
            var loose = text is null ? [] : values.Where(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (loose.Count == 1 && loose[0] == text)
            {
                result[text]?.Add(contact);
                continue;
            }
            if (loose.Count == 0) unexplained = true;
            foreach (var value in loose) result[value] = null;
        }
        if (unexplained)
        {
            foreach (var value in values)
            {
                if (result[value] is { Count: 0 }) result[value] = null;
            }
        }
        return result;
    }

    /// <summary>From all the contacts of one value (in search order), what <see cref="FindAsync"/> would have returned.</summary>
    public (IReadOnlyList<HelpCrunchContact> Targets, int Total) Choose(List<HelpCrunchContact> all) =>
        (MultipleMatches == MultipleMatches.All ? all : all.Take(SearchLimit).ToList(), all.Count);

    private string? FieldText(HelpCrunchContact contact) => contact.Field(SearchBy);

    /// <summary>The failure for "nothing to act on" or "too many to choose from", or null to go ahead.</summary>
    /// <param name="done">The past participle for the message, e.g. "updated".</param>
    public StepOutcome? Decide(string value, IReadOnlyList<HelpCrunchContact> targets, int total, string multipleMatchesField, string done)
    {
        if (targets.Count == 0) return StepOutcome.Failure($"no HelpCrunch contact with {SearchBy} = {value}");
        if (MultipleMatches == MultipleMatches.Fail && total > 1)
        {
            return StepOutcome.Failure(
                $"{total} HelpCrunch contacts have {SearchBy} = {value}; none {done} because \"{multipleMatchesField}\" is \"fail\"",
                output: new Dictionary<string, string> { [UpdateContactStep.OutputMatches] = total.ToString(CultureInfo.InvariantCulture) });
        }
        return null;
    }

    public static MultipleMatches ParsePolicy(string? text) => text switch
    {
        "all" => MultipleMatches.All,
        "fail" => MultipleMatches.Fail,
        _ => MultipleMatches.First,
    };

    // "first" needs one result; "fail" needs two to know there is more than one.
    private int SearchLimit => MultipleMatches switch
    {
        MultipleMatches.First => 1,
        MultipleMatches.Fail => 2,
        _ => PageSize,
    };
}
