using System.Security.Cryptography;
using System.Text;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Everything needed to bind a compiled set of expressions without Roslyn: the emitted image (null when no
/// expression needed C#) and, per added expression in order, where its delegates sit in the generated tables.
/// This is what the disk cache stores; its types must never mention Roslyn, so a cache hit does not load it.
/// </summary>
internal sealed class ExpressionPlan(byte[]? image, IReadOnlyList<PlanEntry> entries)
{
    private static ReadOnlySpan<byte> Magic => "REXPLAN1"u8;

    public byte[]? Image { get; } = image;
    public IReadOnlyList<PlanEntry> Entries { get; } = entries;

    /// <summary>The plan as bytes, followed by the SHA-256 of everything before it (so a torn or damaged file
    /// is noticed and recompiled, never loaded).</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Entries.Count);
            foreach (var entry in Entries)
            {
                writer.Write((byte)entry.Kind);
                writer.Write(entry.Method);
                writer.Write(entry.ExplainMethod);
                writer.Write(entry.ExplainParts.Count);
                foreach (var part in entry.ExplainParts) writer.Write(part);
                writer.Write(entry.Pieces.Count);
                foreach (var piece in entry.Pieces)
                {
                    writer.Write(piece.IsField);
                    writer.Write(piece.Text);
                }
            }
            writer.Write(Image?.Length ?? -1);
            if (Image is not null) writer.Write(Image);
        }
        var hash = SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        stream.Write(hash);
        return stream.ToArray();
    }

    /// <summary>The plan in <paramref name="bytes"/>, or null when they are damaged or do not fit
    /// <paramref name="entryCount"/> expressions.</summary>
    public static ExpressionPlan? Deserialize(byte[] bytes, int entryCount)
    {
        const int hashSize = 32;
        if (bytes.Length < Magic.Length + hashSize || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return null;
        var body = bytes.AsSpan(0, bytes.Length - hashSize);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashSize))) return null;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length, body.Length - Magic.Length), Encoding.UTF8);
            var count = reader.ReadInt32();
            if (count != entryCount) return null;
            var entries = new PlanEntry[count];
            for (var i = 0; i < count; i++)
            {
                var kind = (PlanKind)reader.ReadByte();
                var method = reader.ReadInt32();
                var explainMethod = reader.ReadInt32();
                var parts = new string[reader.ReadInt32()];
                for (var p = 0; p < parts.Length; p++) parts[p] = reader.ReadString();
                var pieces = new TemplatePiece[reader.ReadInt32()];
                for (var p = 0; p < pieces.Length; p++) pieces[p] = new TemplatePiece(reader.ReadBoolean(), reader.ReadString());
                entries[i] = new PlanEntry(kind, method, explainMethod, parts, pieces);
            }
            var imageLength = reader.ReadInt32();
            var image = imageLength < 0 ? null : reader.ReadBytes(imageLength);
            if (image is not null && image.Length != imageLength) return null;
            return new ExpressionPlan(image, entries);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            return null;
        }
    }
}

internal enum PlanKind : byte
{
    Condition = 1,
    /// <summary>A template with at least one C# placeholder: a generated method renders it.</summary>
    CodeTemplate = 2,
    /// <summary>A template of literal text and field reads only: rendered without generated code.</summary>
    FieldTemplate = 3,
}

/// <param name="Method">Index in the generated <c>Table.All</c>; -1 for a field template.</param>
/// <param name="ExplainMethod">Index in the generated <c>ExplainTable.All</c> of the twins' plan (compiled apart, see
/// <see cref="CompiledExpressions"/>); -1 when the condition has no twin, and always in the set's own plan.</param>
/// <param name="ExplainParts">The text of every part the twin records, in the order of its slots.</param>
/// <param name="Pieces">A field template's literal text and field reads.</param>
internal sealed record PlanEntry(
    PlanKind Kind,
    int Method,
    int ExplainMethod,
    IReadOnlyList<string> ExplainParts,
    IReadOnlyList<TemplatePiece> Pieces);

internal sealed record TemplatePiece(bool IsField, string Text);
