using System.Text;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character table (used by byte-level BPE: RoBERTa, GPT-2): printable bytes map to
/// themselves, the others to U+0100 onwards, so every UTF-8 byte of the text becomes one visible character.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();

    private static char[] Build()
    {
        var table = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            table[b] = printable ? (char)b : (char)(256 + n++);
        }
        return table;
    }

    /// <summary>Each UTF-8 byte of <paramref name="text"/> as its character.</summary>
    public static string Map(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, b) =>
        {
            for (int i = 0; i < b.Length; i++) span[i] = ByteToChar[b[i]];
        });
    }
}
