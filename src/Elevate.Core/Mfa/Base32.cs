namespace Elevate.Core.Mfa;

/// <summary>
/// RFC 4648 base32, the alphabet authenticator apps expect for TOTP secrets. Encoding writes upper case without
/// padding (as otpauth URIs carry it); decoding accepts what a person may type from a setup screen: any case, spaces,
/// and optional trailing padding.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return string.Empty;
        }

        var output = new char[((data.Length * 8) + 4) / 5];
        var written = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                output[written++] = Alphabet[(buffer >> bits) & 31];
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            output[written++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(output, 0, written);
    }

    /// <summary>Returns the decoded bytes, or null when <paramref name="text"/> is not base32.</summary>
    public static byte[]? Decode(string text)
    {
        var symbols = new List<int>(text.Length);
        var padding = 0;
        foreach (var c in text)
        {
            if (c == ' ')
            {
                continue;
            }

            if (c == '=')
            {
                padding++;
                continue;
            }

            // Padding may only end the text; a symbol after it means the input was cut and glued.
            if (padding > 0)
            {
                return null;
            }

            var value = SymbolValue(c);
            if (value < 0)
            {
                return null;
            }

            symbols.Add(value);
        }

        if (padding > 0 && (symbols.Count + padding) % 8 != 0)
        {
            return null;
        }

        // A group of 8 symbols holds 5 bytes; a final partial group of 1, 3 or 6 symbols cannot come from any bytes.
        if (symbols.Count % 8 is 1 or 3 or 6)
        {
            return null;
        }

        var output = new byte[symbols.Count * 5 / 8];
        var written = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var symbol in symbols)
        {
            buffer = (buffer << 5) | symbol;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return output;
    }

    private static int SymbolValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };
}
