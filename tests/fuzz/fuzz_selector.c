/* Fuzzes the label and field selector parsers: arbitrary bytes must never crash or leak, and a
 * selector that parses must print to text that parses back to an equal selector. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_labels(const char *text)
{
    struct label_selector *sel = label_selector_parse(text, NULL);
    if (sel == NULL) {
        return;
    }
    char *printed = label_selector_string(sel);
    struct err err = {0};
    struct label_selector *again = label_selector_parse(printed, &err);
    if (again == NULL || !label_selector_equal(sel, again)) {
        abort();
    }
    json_t *labels = json_pack("{s:s, s:s}", "app", "web", "n", "5");
    (void)label_selector_matches(sel, labels);
    json_decref(labels);
    label_selector_free(again);
    label_selector_free(sel);
    free(printed);
}

static void check_fields(const char *text)
{
    struct field_selector *sel = field_selector_parse(text, NULL);
    if (sel == NULL) {
        return;
    }
    char *printed = field_selector_string(sel);
    struct field_selector *again = field_selector_parse(printed, NULL);
    if (again == NULL || !field_selector_equal(sel, again)) {
        abort();
    }
    field_selector_free(again);
    field_selector_free(sel);
    free(printed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    check_labels(text);
    check_fields(text);
    free(text);
    return 0;
}
