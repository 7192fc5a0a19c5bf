# Generates the compiled-in model table from src/core/models.tsv (tab-separated:
# product_type, marketing_name, hardware_model, cpid, bdid, family, button_scheme,
# short_name, ...). model_row_parse reads the same columns at run time.
BEGIN {
    FS = "\t"
    schemes["home"] = "SCHEME_HOME"; schemes["voldown"] = "SCHEME_VOLDOWN"
    schemes["faceid"] = "SCHEME_FACEID"; schemes["ipad_top"] = "SCHEME_IPAD_TOP"
    print "/* Generated from src/core/models.tsv by src/core/gen_models.awk. Do not edit. */"
    print "#include \"models.h\""
    print "const struct model models_table[] = {"
    n = 0
}
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
NR == 1 { next }
/^#/ || NF < 7 { next }
{
    sch = ($7 in schemes) ? schemes[$7] : "SCHEME_NONE"
    short = NF >= 8 && $8 != "" ? $8 : $2
    printf "    {%s, %s, %s, %s, %s, %s, %s, %s, MODEL_COMPILED, \"compiled\"},\n", cstr($1), cstr($2), cstr($3), $4, $5, cstr($6), sch, cstr(short)
    n++
}
END {
    print "};"
    printf "const size_t models_count = %d;\n", n
}
