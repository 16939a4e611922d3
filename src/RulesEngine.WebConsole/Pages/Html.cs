using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using RulesEngine.Core.Connections;

namespace RulesEngine.WebConsole.Pages;

/// <summary>Markup that is already safe (written by the console, or built with <see cref="Html"/>).</summary>
internal readonly record struct Markup(string Value)
{
    public static readonly Markup Empty = new("");
    public override string ToString() => Value;
}

/// <summary>
/// Builds a page. The literal parts of an interpolated string are the console's own markup; every hole is text,
/// redacted of secrets and HTML-encoded, unless it is <see cref="Markup"/>. Row data and service texts are untrusted,
/// so escaping is not something a page can forget: it is the only way a value gets in.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _builder = new();

    public Html Add([InterpolatedStringHandlerArgument("")] ref HtmlInterpolation markup) => this;

    public Html Add(Markup markup)
    {
        _builder.Append(markup.Value);
        return this;
    }

    public Markup ToMarkup() => new(_builder.ToString());

    /// <summary>Text as safe markup: secrets masked, then HTML-encoded.</summary>
    public static Markup Text(string? text) => new(HtmlEncoder.Default.Encode(SecretRedactor.Redact(text ?? "")));

    [InterpolatedStringHandler]
    public ref struct HtmlInterpolation
    {
        private readonly StringBuilder _builder;

        // No EnsureCapacity here: on a large page it would copy the builder's last chunk on every call.
        public HtmlInterpolation(int literalLength, int formattedCount, Html html) => _builder = html._builder;

        public readonly void AppendLiteral(string literal) => _builder.Append(literal);

        public readonly void AppendFormatted(Markup markup) => _builder.Append(markup.Value);

        public readonly void AppendFormatted<T>(T value) =>
            _builder.Append(Text(value is IFormattable formattable ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : value?.ToString()).Value);
    }
}
