//! The code version of a node: a hash of its token trees, stable across reformatting.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }
}

/// FNV-1a over identifiers, punctuation, literals and delimiters; `#[doc]` attributes are skipped,
/// whitespace and comments never reach the tokens.
pub(crate) fn code_version(tokens: TokenStream) -> u64 {
    let mut h = Fnv(FNV_OFFSET);
    feed(&mut h, tokens);
    h.0
}

fn is_doc_attr(tree: &TokenTree) -> bool {
    match tree {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
            matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
        }
        _ => false,
    }
}

fn feed(h: &mut Fnv, tokens: TokenStream) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        let tree = &trees[i];
        if matches!(tree, TokenTree::Punct(p) if p.as_char() == '#') {
            let bang = matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
            let at = if bang { i + 2 } else { i + 1 };
            if trees.get(at).is_some_and(is_doc_attr) {
                i = at + 1;
                continue;
            }
        }
        match tree {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => (b'(', b')'),
                    Delimiter::Brace => (b'{', b'}'),
                    Delimiter::Bracket => (b'[', b']'),
                    Delimiter::None => (b'\x01', b'\x02'),
                };
                h.bytes(&[open]);
                feed(h, g.stream());
                h.bytes(&[close]);
            }
            TokenTree::Ident(id) => {
                h.bytes(b"i");
                h.bytes(id.to_string().as_bytes());
            }
            TokenTree::Punct(p) => {
                h.bytes(b"p");
                h.bytes(p.as_char().to_string().as_bytes());
            }
            TokenTree::Literal(l) => {
                h.bytes(b"l");
                h.bytes(l.to_string().as_bytes());
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::code_version;
    use quote::quote;

    #[test]
    fn survives_reformatting_and_doc_edits() {
        let a = code_version(quote! { fn f(x: i64) -> i64 { x + 1 } });
        let b: proc_macro2::TokenStream =
            "fn f( x : i64 )\n -> i64 {\n    /// note\n    x+1 }".parse().unwrap();
        assert_eq!(a, code_version(b));
    }

    #[test]
    fn changes_with_the_code() {
        let a = code_version(quote! { fn f(x: i64) -> i64 { x + 1 } });
        let b = code_version(quote! { fn f(x: i64) -> i64 { x + 2 } });
        assert_ne!(a, b);
    }
}
