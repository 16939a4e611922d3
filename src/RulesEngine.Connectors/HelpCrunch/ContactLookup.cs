using System.Globalization;
using RulesEngine.Core.Steps;

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
