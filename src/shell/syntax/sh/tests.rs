use super::*;

fn simple_words(s: &Stmt) -> Vec<String> {
    match s {
        Stmt::Simple { words, .. } => words.iter().map(|w| w.raw.clone()).collect(),
        other => panic!("not simple: {other:?}"),
    }
}

#[test]
fn assignments_exports_and_lines() {
    let src =
        b"# comment\nexport PATH=\"$HOME/go/bin:$PATH\"\nGOROOT=/usr/local/go; export GOROOT\n";
    let stmts = parse(src);
    assert_eq!(stmts.len(), 3);
    assert_eq!(stmts[0].line(), 2);
    assert_eq!(
        simple_words(&stmts[0]),
        ["export", "PATH=\"$HOME/go/bin:$PATH\""]
    );
    match &stmts[1] {
        Stmt::Simple {
            assigns,
            words,
            line,
        } => {
            assert_eq!(*line, 3);
            assert!(words.is_empty());
            assert_eq!(assigns[0].name, "GOROOT");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn compound_commands_nest() {
    let src = br#"
if [ -d "$HOME/bin" ] ; then
  PATH="$HOME/bin:$PATH"
elif true; then :
else
  case $- in
*i*) ;;
  *) return;;
  esac
fi
for i in /etc/profile.d/*.sh; do
  [ -r $i ] && . $i
done
f() { echo hi; }
"#;
    let stmts = parse(src);
    assert!(
        matches!(&stmts[0], Stmt::If { branches, otherwise: Some(_), line: 2 } if branches.len() == 2)
    );
    assert!(matches!(&stmts[1], Stmt::For { var, .. } if var == "i"));
    assert!(matches!(&stmts[2], Stmt::Function { name, .. } if name == "f"));
}

#[test]
fn parameter_operators_and_substitutions() {
    let stmts = parse(b"X=${GOPATH:-$HOME/go}/bin Y=$(go env GOROOT) Z=`brew --prefix`\n");
    let Stmt::Simple { assigns, .. } = &stmts[0] else {
        panic!()
    };
    let AssignValue::Scalar(w) = &assigns[0].value else {
        panic!()
    };
    assert!(
        matches!(&w.parts[0], Part::Param { name, op: ParamOp::Default { colon: true, .. }, .. } if name == "GOPATH")
    );
    let AssignValue::Scalar(w) = &assigns[1].value else {
        panic!()
    };
    assert!(matches!(&w.parts[0], Part::CmdSub { text, .. } if text == "go env GOROOT"));
    let AssignValue::Scalar(w) = &assigns[2].value else {
        panic!()
    };
    assert!(matches!(&w.parts[0], Part::CmdSub { text, .. } if text == "brew --prefix"));
}

#[test]
fn heredocs_and_zsh_arrays_are_skipped_or_kept() {
    let src = b"cat <<EOF\nexport PATH=/nope\nEOF\npath=(/a $path)\nkey=(\n  a b\n  c d\n)\nexport GOBIN=/x\n";
    let stmts = parse(src);
    assert_eq!(simple_words(&stmts[0]), ["cat"]);
    let Stmt::Simple { assigns, .. } = &stmts[1] else {
        panic!()
    };
    assert!(matches!(&assigns[0].value, AssignValue::Array(v) if v.len() == 2));
    assert_eq!(stmts[3].line(), 9);
}

#[test]
fn garbage_becomes_unknown_and_reading_goes_on() {
    let src = b"if then fi )\nexport GOPATH=/gp\n\xff\xfe weird $((1+2))\n";
    let stmts = parse(src);
    assert!(stmts.iter().any(|s| matches!(s, Stmt::Unknown { .. })));
    assert!(stmts.iter().any(|s| matches!(s, Stmt::Simple { words, .. } if words.first().map(|w| w.raw.as_str()) == Some("export"))));
}

#[test]
fn double_brackets_keep_operators_as_words() {
    let stmts = parse(
        b"if [[ -z \"$PATH\" || \"$PATH\" == \"/bin:/usr/bin\" ]]\nthen\n export PATH=/x\nfi\n",
    );
    let Stmt::If { branches, .. } = &stmts[0] else {
        panic!("{stmts:?}")
    };
    let words = simple_words(&branches[0].0[0]);
    assert!(words.contains(&"||".to_string()));
}

#[test]
fn crlf_files_parse_like_lf() {
    let a = parse(b"export GOROOT=/a\r\nif true; then\r\n  X=1\r\nfi\r\n");
    let b = parse(b"export GOROOT=/a\nif true; then\n  X=1\nfi\n");
    assert_eq!(a.len(), b.len());
    assert_eq!(simple_words(&a[0]), simple_words(&b[0]));
}
