namespace RulesEngine.Core.Tests.Steps;

/// <summary>The temporary file for data too big for memory: private, nameless, and a clear error where it cannot be made.</summary>
public sealed class PrivateTempFileTests
{
    [Fact]
    public void TheFile_IsReadableAndWritable_AndHasNoNameWhileOpen()
    {
        var directory = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);

        using (var file = PrivateTempFile.Create("test", directory))
        {
            file.Write("row bytes"u8);
            file.Position = 0;
            var read = new byte[9];
            file.ReadExactly(read);
            Assert.Equal("row bytes"u8.ToArray(), read);
            if (!OperatingSystem.IsWindows()) Assert.Empty(Directory.GetFiles(directory));
        }

        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public void ADirectoryThatCannotTakeIt_GivesAnErrorNamingItAndTheFix()
    {
        var missing = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "not-there");

        var error = Assert.Throws<IOException>(() => PrivateTempFile.Create("rows", missing));

        Assert.Contains(missing, error.Message);
        Assert.Contains("TMPDIR", error.Message);
    }
}
