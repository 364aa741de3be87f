/* The X12 readers' hot loops in C: cutting segments, and building an 835's claim and service-line records.
 *
 * `segments` cuts a file's bytes into the `Segment` objects the Python tokenizer (revcycle.x12.tokens) would make.
 * `scan` does the same for an 835 and builds each claim (loop 2100, CLP to the segment that closes it) and its
 * service lines (loop 2110) as revcycle.x12.read835, the definition of what an 835 means as records, would: the same
 * Python checks (money, quantity, procedure code, modifier, remark code, adjustment reason) are called once per
 * distinct text and their answers remembered, and an amount or count written plainly is made here as `money` and
 * `quantity` would make it. Every other segment (the envelope, ST, BPR, TRN, N1, LX, PLB, SE ...) is handed back as a
 * `Segment` for the Python reader's own handlers, which also make the remittance.
 *
 * Whatever would need a decision the Python code makes (a value its checks refuse, a byte that is not ASCII, a line
 * break inside a segment, a second interchange, a file that does not end at its IEA ...) makes both answer None: the
 * caller then reads the file with the Python tokenizer or reader, which decides and explains. So this module can make
 * reading faster but never change what is read; tests read every corpus file and mutated files both ways
 * (tests/x12/test_native835.py, test_native_tokens.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <stdint.h>
#include <string.h>

#define MAX_ELEMENTS 64
#define OK 0
#define FAILED -1 /* a Python exception is set: it propagates */
#define UNSURE -2 /* the Python reader must decide: scan answers None */

/* ---------------------------------------------------------------------------------------------------------------
 * Segments
 */

typedef struct {
    Py_ssize_t start; /* from the segment's first character */
    Py_ssize_t length;
} Span;

typedef struct {
    const char *text; /* the segment's first character (its id), in the caller's buffer */
    Py_ssize_t length;
    Py_ssize_t offset; /* byte offset in the file */
    Py_ssize_t index;  /* 0-based segment number in the file */
    int count;         /* elements after the id */
    Span elements[MAX_ELEMENTS];
    char id[4];
} Segment;

/* Element `position` (1-based, as the guides number them); empty when absent. */
static inline const char *element(const Segment *segment, int position, Py_ssize_t *length) {
    if (position < 1 || position > segment->count) {
        *length = 0;
        return "";
    }
    *length = segment->elements[position - 1].length;
    return segment->text + segment->elements[position - 1].start;
}

static inline int element_is(const Segment *segment, int position, const char *expected) {
    Py_ssize_t length;
    const char *text = element(segment, position, &length);
    return (Py_ssize_t)strlen(expected) == length && memcmp(text, expected, (size_t)length) == 0;
}

static inline int id_is(const Segment *segment, const char *id) { return strcmp(segment->id, id) == 0; }

/* Text known to be ASCII as a str. */
static PyObject *ascii_text(const char *text, Py_ssize_t length) {
    PyObject *string = PyUnicode_New(length, 127);
    if (string != NULL && length > 0) {
        memcpy(PyUnicode_1BYTE_DATA(string), text, (size_t)length);
    }
    return string;
}

static PyObject *element_text(const Segment *segment, int position) {
    Py_ssize_t length;
    const char *text = element(segment, position, &length);
    return ascii_text(text, length);
}

/* ---------------------------------------------------------------------------------------------------------------
 * Answers remembered by text (an amount's Decimal, whether a modifier is valid, an Adjustment ...), keyed by the
 * raw bytes so that a repeated text costs no str. One table per file, emptied when full so memory stays flat.
 */

#define KEY_MAX 56
#define CACHE_SLOTS (1 << 16)
#define CACHE_LIMIT (1 << 15)

typedef struct {
    uint64_t hash;
    PyObject *value; /* NULL: a free slot */
    uint32_t length;
    char key[KEY_MAX];
} Entry;

typedef struct {
    Entry *entries;
    Py_ssize_t used;
} Cache;

typedef struct {
    char bytes[KEY_MAX];
    uint32_t length;
    int fits;
} Key;

enum Kind { AMOUNT = 1, QUANTITY, PROCEDURE, MODIFIER, REMARK, REASON, ADJUSTMENT };

static void key_start(Key *key, enum Kind kind) {
    key->bytes[0] = (char)kind;
    key->length = 1;
    key->fits = 1;
}

/* Parts are ASCII, so 0xff cannot occur in one: it separates them. */
static void key_add(Key *key, const char *text, Py_ssize_t length) {
    if (!key->fits || key->length + (uint32_t)length + 1 > KEY_MAX) {
        key->fits = 0;
        return;
    }
    memcpy(key->bytes + key->length, text, (size_t)length);
    key->length += (uint32_t)length;
    key->bytes[key->length++] = (char)0xff;
}

static uint64_t key_hash(const Key *key) {
    uint64_t hash = 1469598103934665603ULL; /* FNV-1a */
    for (uint32_t i = 0; i < key->length; i++) {
        hash = (hash ^ (unsigned char)key->bytes[i]) * 1099511628211ULL;
    }
    return hash;
}

static void cache_clear(Cache *cache) {
    for (Py_ssize_t i = 0; i < CACHE_SLOTS; i++) {
        Py_CLEAR(cache->entries[i].value);
    }
    cache->used = 0;
}

static void cache_free(PyObject *capsule) {
    Cache *cache = PyCapsule_GetPointer(capsule, "revcycle.x12._read835.cache");
    if (cache != NULL) {
        cache_clear(cache);
        PyMem_Free(cache->entries);
        PyMem_Free(cache);
    }
}

/* The remembered answer (a new reference), or NULL when there is none. */
static PyObject *cache_get(Cache *cache, const Key *key, uint64_t hash) {
    if (!key->fits) {
        return NULL;
    }
    for (size_t slot = hash & (CACHE_SLOTS - 1);; slot = (slot + 1) & (CACHE_SLOTS - 1)) {
        Entry *entry = &cache->entries[slot];
        if (entry->value == NULL) {
            return NULL;
        }
        if (entry->hash == hash && entry->length == key->length && memcmp(entry->key, key->bytes, key->length) == 0) {
            Py_INCREF(entry->value);
            return entry->value;
        }
    }
}

static void cache_put(Cache *cache, const Key *key, uint64_t hash, PyObject *value) {
    if (!key->fits) {
        return;
    }
    if (cache->used >= CACHE_LIMIT) {
        cache_clear(cache);
    }
    size_t slot = hash & (CACHE_SLOTS - 1);
    while (cache->entries[slot].value != NULL) {
        slot = (slot + 1) & (CACHE_SLOTS - 1);
    }
    Entry *entry = &cache->entries[slot];
    entry->hash = hash;
    entry->length = key->length;
    memcpy(entry->key, key->bytes, key->length);
    Py_INCREF(value);
    entry->value = value;
    cache->used++;
}

static PyObject *new_cache(PyObject *module, PyObject *unused) {
    Cache *cache = PyMem_Calloc(1, sizeof(Cache));
    if (cache == NULL) {
        return PyErr_NoMemory();
    }
    cache->entries = PyMem_Calloc(CACHE_SLOTS, sizeof(Entry));
    if (cache->entries == NULL) {
        PyMem_Free(cache);
        return PyErr_NoMemory();
    }
    PyObject *capsule = PyCapsule_New(cache, "revcycle.x12._read835.cache", cache_free);
    if (capsule == NULL) {
        PyMem_Free(cache->entries);
        PyMem_Free(cache);
    }
    return capsule;
}

/* ---------------------------------------------------------------------------------------------------------------
 * The state of one scan: the context's objects, the open claim and line, and what was made.
 */

typedef struct {
    PyObject *code; /* str, or None when the line's code is not a CPT/HCPCS/CDT code */
    PyObject *modifiers;
    PyObject *charge, *paid, *units_paid, *units_billed, *billed_procedure_code;
    PyObject *service_date, *period_start, *control_number, *allowed;
    PyObject *adjustments, *remarks; /* lists */
    int open;
} Line;

typedef struct {
    Segment clp;
    PyObject *patient_name, *statement_from, *statement_to;
    PyObject *adjustments, *remarks, *lines; /* lists */
    int open;
} Claim;

/* Where each field of a record type lives in its objects (see `record`). */
typedef struct {
    PyTypeObject *type;
    Py_ssize_t count;
    Py_ssize_t offsets[16];
} Layout;

typedef struct {
    char element, component, terminator;
    PyObject *context;
    PyObject *delimiters;
    PyTypeObject *segment_type, *claim_type, *line_type, *adjustment_type;
    PyObject *segment_fields, *claim_fields, *line_fields, *adjustment_fields; /* in the order this module fills */
    Layout segment_layout, claim_layout, line_layout, adjustment_layout;
    PyObject *money, *quantity, *procedure, *modifier_ok, *remark, *reason; /* the Python checks */
    PyObject *decimal;
    PyObject *statuses, *filings, *groups; /* code -> enum member (or None: a CLP06 read as unknown) */
    Cache *cache;
    PyObject *items; /* what the scan returns: Segments and ClaimPayments, in file order */
    Py_ssize_t index;
    int records; /* 1: claims become records (scan); 0: every segment is handed over (segments) */
    int in_transaction, bpr_seen, isa_seen, ended;
    Claim claim;
    Line line;
} State;

static void line_clear(Line *line) {
    Py_CLEAR(line->code);
    Py_CLEAR(line->modifiers);
    Py_CLEAR(line->charge);
    Py_CLEAR(line->paid);
    Py_CLEAR(line->units_paid);
    Py_CLEAR(line->units_billed);
    Py_CLEAR(line->billed_procedure_code);
    Py_CLEAR(line->service_date);
    Py_CLEAR(line->period_start);
    Py_CLEAR(line->control_number);
    Py_CLEAR(line->allowed);
    Py_CLEAR(line->adjustments);
    Py_CLEAR(line->remarks);
    line->open = 0;
}

static void claim_clear(Claim *claim) {
    Py_CLEAR(claim->patient_name);
    Py_CLEAR(claim->statement_from);
    Py_CLEAR(claim->statement_to);
    Py_CLEAR(claim->adjustments);
    Py_CLEAR(claim->remarks);
    Py_CLEAR(claim->lines);
    claim->open = 0;
}

/* A Python check refused a value, or could not run: the Python reader decides. Only errors of kind Exception are
 * taken as refusals; anything else (KeyboardInterrupt, MemoryError's parents) propagates. */
static int refused(void) {
    if (PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        return UNSURE;
    }
    return FAILED;
}

/* `value` replaces what `*slot` held (a new reference is stolen). */
static inline void replace(PyObject **slot, PyObject *value) {
    PyObject *old = *slot;
    *slot = value;
    Py_XDECREF(old);
}

/* A record of a slotted dataclass made as `revcycle.domain.fields.trusted` makes it: the object without its
 * __init__, every field set in its slot. `values` are borrowed. Setting an attribute looks its descriptor up by
 * name each time, which costs more than all the rest of making a segment: the slots' offsets are found once
 * (`layout_of`), from the descriptors the class itself holds, and written directly. */

static int layout_of(PyTypeObject *type, PyObject *names, Layout *layout) {
    layout->type = type;
    layout->count = PyTuple_GET_SIZE(names);
    if (layout->count > 16) {
        PyErr_SetString(PyExc_TypeError, "a record of more than 16 fields");
        return -1;
    }
    for (Py_ssize_t i = 0; i < layout->count; i++) {
        PyObject *descriptor = PyObject_GetAttr((PyObject *)type, PyTuple_GET_ITEM(names, i));
        if (descriptor == NULL) {
            return -1;
        }
        int slot = PyObject_TypeCheck(descriptor, &PyMemberDescr_Type);
        PyMemberDef *member = slot ? ((PyMemberDescrObject *)descriptor)->d_member : NULL;
        int writable = member != NULL && member->type == Py_T_OBJECT_EX && !(member->flags & Py_READONLY);
        if (writable) {
            layout->offsets[i] = member->offset;
        }
        Py_DECREF(descriptor);
        if (!writable) {
            PyErr_Format(PyExc_TypeError, "%s.%U is not a slot this module can fill", type->tp_name,
                         PyTuple_GET_ITEM(names, i));
            return -1;
        }
    }
    return 0;
}

static PyObject *record(const Layout *layout, PyObject **values) {
    PyObject *made = layout->type->tp_alloc(layout->type, 0);
    if (made == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < layout->count; i++) {
        PyObject **slot = (PyObject **)((char *)made + layout->offsets[i]);
        Py_XSETREF(*slot, Py_NewRef(values[i]));
    }
    return made;
}

/* Makes in C what a Python check would make of a text written plainly; NULL (no error set) for any other text. */
typedef PyObject *(*Plain)(State *state, const char *text, Py_ssize_t length);

/* A value the reader parses once per distinct text: `plain(text)` where it can, `function(text)` otherwise,
 * remembered under `kind`. A new reference in `*out`. */
static int remembered(State *state, enum Kind kind, Plain plain, PyObject *function, const char *text,
                      Py_ssize_t length, PyObject **out) {
    Key key;
    key_start(&key, kind);
    key_add(&key, text, length);
    uint64_t hash = key_hash(&key);
    PyObject *value = cache_get(state->cache, &key, hash);
    if (value == NULL) {
        value = plain != NULL ? plain(state, text, length) : NULL;
        if (value == NULL && PyErr_Occurred()) {
            return FAILED;
        }
        if (value == NULL) {
            PyObject *argument = ascii_text(text, length);
            if (argument == NULL) {
                return FAILED;
            }
            value = PyObject_CallOneArg(function, argument);
            Py_DECREF(argument);
            if (value == NULL) {
                return refused();
            }
        }
        cache_put(state->cache, &key, hash, value);
    }
    *out = value;
    return OK;
}

static int checked(State *state, enum Kind kind, PyObject *function, const char *text, Py_ssize_t length,
                   PyObject **out) {
    return remembered(state, kind, NULL, function, text, length, out);
}

/* The digits of `text` without leading zeros (one zero for zero), into `out`; their count. */
static Py_ssize_t significant(const char *text, Py_ssize_t length, char *out) {
    while (length > 1 && text[0] == '0') {
        text++;
        length--;
    }
    memcpy(out, text, (size_t)length);
    return length;
}

static int all_digits(const char *text, Py_ssize_t length) {
    for (Py_ssize_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* Decimal(text), for a text already in its canonical form. */
static PyObject *decimal_of(State *state, const char *text, Py_ssize_t length) {
    PyObject *string = ascii_text(text, length);
    if (string == NULL) {
        return NULL;
    }
    PyObject *value = PyObject_CallOneArg(state->decimal, string);
    Py_DECREF(string);
    return value;
}

/* The Decimal that `revcycle.domain.money.money` makes of an amount written plainly (an optional minus, 1 to 12
 * digits, an optional point and up to two decimals): the same number with exactly two places, and no sign on zero.
 * NULL with no error set for any other writing, which the Python check then reads. */
static PyObject *plain_money(State *state, const char *text, Py_ssize_t length) {
    int negative = length > 0 && text[0] == '-';
    const char *digits = text + negative;
    Py_ssize_t rest = length - negative;
    const char *point = memchr(digits, '.', (size_t)rest);
    Py_ssize_t whole = point ? point - digits : rest;
    Py_ssize_t decimals = point ? rest - whole - 1 : 0;
    if (whole < 1 || whole > 12 || decimals > 2 || (point && decimals < 1) || !all_digits(digits, whole) ||
        !all_digits(digits + whole + 1, decimals)) {
        return NULL;
    }
    char canonical[20];
    Py_ssize_t size = 0;
    canonical[size++] = '-';
    size += significant(digits, whole, canonical + size);
    canonical[size++] = '.';
    canonical[size++] = decimals > 0 ? digits[whole + 1] : '0';
    canonical[size++] = decimals > 1 ? digits[whole + 2] : '0';
    int zero = size == 5 && memcmp(canonical + 1, "0.00", 4) == 0;
    int skip = negative && !zero ? 0 : 1; /* -0.00 is folded into 0.00, as money's "+ 0" does */
    return decimal_of(state, canonical + skip, size - skip);
}

/* The Decimal that `revcycle.domain.money.quantity` makes of a whole number written as 1 to 12 digits. */
static PyObject *plain_quantity(State *state, const char *text, Py_ssize_t length) {
    if (length < 1 || length > 12 || !all_digits(text, length)) {
        return NULL;
    }
    char canonical[12];
    return decimal_of(state, canonical, significant(text, length, canonical));
}

/* An amount (required, as `_Reader._amount`). */
static int amount(State *state, const Segment *segment, int position, PyObject **out) {
    Py_ssize_t length;
    const char *text = element(segment, position, &length);
    if (length == 0) {
        return UNSURE;
    }
    return remembered(state, AMOUNT, plain_money, state->money, text, length, out);
}

/* A quantity, or None when the text is empty (as `_Reader._quantity`). */
static int quantity(State *state, const char *text, Py_ssize_t length, PyObject **out) {
    if (length == 0) {
        *out = Py_NewRef(Py_None);
        return OK;
    }
    return remembered(state, QUANTITY, plain_quantity, state->quantity, text, length, out);
}

/* A CCYYMMDD date (as `_Reader._date`). */
static int a_date(const Segment *segment, int position, PyObject **out) {
    Py_ssize_t length;
    const char *text = element(segment, position, &length);
    if (length != 8) {
        return UNSURE;
    }
    int digits[8];
    for (int i = 0; i < 8; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return UNSURE;
        }
        digits[i] = text[i] - '0';
    }
    int year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
    int month = digits[4] * 10 + digits[5];
    int day = digits[6] * 10 + digits[7];
    PyObject *value = PyDate_FromDate(year, month, day);
    if (value == NULL) {
        return refused();
    }
    *out = value;
    return OK;
}

/* The remark codes at `positions` (the RARCs the Python check accepts; others are left out, as the reader does). */
static int remarks(State *state, const Segment *segment, const int *positions, int count, PyObject *into) {
    for (int i = 0; i < count; i++) {
        Py_ssize_t length;
        const char *text = element(segment, positions[i], &length);
        if (length == 0) {
            continue;
        }
        PyObject *code;
        int status = checked(state, REMARK, state->remark, text, length, &code);
        if (status != OK) {
            return status;
        }
        status = code == Py_None ? 0 : PyList_Append(into, code);
        Py_DECREF(code);
        if (status < 0) {
            return FAILED;
        }
    }
    return OK;
}

/* A one-line text field as `revcycle.domain.fields.line` leaves it: no control characters, stripped, at most
 * `max_length` long; None when optional and blank. The text is ASCII without line breaks (the tokenizer saw to it),
 * so the only whitespace a strip would take is the space. */
static int text_field(const char *text, Py_ssize_t length, Py_ssize_t max_length, int required, PyObject **out) {
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f) {
            return UNSURE;
        }
    }
    while (length > 0 && text[0] == ' ') {
        text++;
        length--;
    }
    while (length > 0 && text[length - 1] == ' ') {
        length--;
    }
    if (length == 0) {
        if (required) {
            return UNSURE;
        }
        *out = Py_NewRef(Py_None);
        return OK;
    }
    if (length > max_length) {
        return UNSURE;
    }
    *out = ascii_text(text, length);
    return *out == NULL ? FAILED : OK;
}

/* As `text_field`, for a str or None already made. */
static int text_object(PyObject *value, Py_ssize_t max_length, PyObject **out) {
    if (value == NULL || value == Py_None) {
        *out = Py_NewRef(Py_None);
        return OK;
    }
    Py_ssize_t length;
    const char *text = PyUnicode_AsUTF8AndSize(value, &length);
    if (text == NULL) {
        return FAILED;
    }
    return text_field(text, length, max_length, 0, out);
}

/* A composite that starts with a two-character code, split as `read835._composite` splits it. */
static int composite(State *state, const Segment *segment, int position, Span *parts, int most) {
    Py_ssize_t length;
    const char *text = element(segment, position, &length);
    char separator = state->component;
    if (memchr(text, separator, (size_t)length) == NULL && length > 2) {
        unsigned char third = (unsigned char)text[2];
        int alnum = (third >= '0' && third <= '9') || (third >= 'A' && third <= 'Z') || (third >= 'a' && third <= 'z');
        int space = third == ' ' || (third >= 0x09 && third <= 0x0d) || (third >= 0x1c && third <= 0x1f);
        if (!alnum && !space) {
            separator = (char)third;
        }
    }
    int count = 0;
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 0; i <= length; i++) {
        if (i == length || text[i] == separator) {
            if (count < most) {
                parts[count].start = (text - segment->text) + start;
                parts[count].length = i - start;
            }
            count++;
            start = i + 1;
        }
    }
    return count;
}

static inline const char *part(const Segment *segment, const Span *span) { return segment->text + span->start; }

/* ---------------------------------------------------------------------------------------------------------------
 * Service lines (loop 2110) and claims (loop 2100)
 */

static int close_line(State *state) {
    Line *line = &state->line;
    Claim *claim = &state->claim;
    if (!line->open) {
        return OK;
    }
    int status = OK;
    if (line->code == Py_None) {
        /* A line the domain cannot hold as a ServicePayment: its adjustments and remarks move to the claim. */
        if (PyList_SetSlice(claim->adjustments, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, line->adjustments) < 0 ||
            PyList_SetSlice(claim->remarks, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, line->remarks) < 0) {
            status = FAILED;
        }
        line_clear(line);
        return status;
    }
    Py_ssize_t modifiers = PyList_GET_SIZE(line->modifiers);
    for (Py_ssize_t i = 0; i < modifiers && status == OK; i++) {
        Py_ssize_t length;
        const char *text = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(line->modifiers, i), &length);
        PyObject *valid;
        status = text == NULL ? FAILED : checked(state, MODIFIER, state->modifier_ok, text, length, &valid);
        if (status == OK) {
            if (valid != Py_True) {
                status = UNSURE; /* the record's own constructor says what is wrong */
            }
            Py_DECREF(valid);
        }
    }
    PyObject *control_number = NULL, *made = NULL;
    PyObject *modifier_tuple = NULL, *adjustments = NULL, *remark_codes = NULL;
    if (status == OK) {
        status = text_object(line->control_number, 50, &control_number);
    }
    if (status == OK) {
        modifier_tuple = PyList_AsTuple(line->modifiers);
        adjustments = PyList_AsTuple(line->adjustments);
        remark_codes = PyList_AsTuple(line->remarks);
        if (modifier_tuple == NULL || adjustments == NULL || remark_codes == NULL) {
            status = FAILED;
        }
    }
    if (status == OK) {
        PyObject *service_date = line->service_date != Py_None ? line->service_date : line->period_start;
        PyObject *values[12] = {
            line->code,         line->charge,       line->paid,         modifier_tuple,
            line->units_paid,   line->units_billed, line->billed_procedure_code, service_date,
            control_number,     line->allowed,      adjustments,        remark_codes,
        };
        made = record(&state->line_layout, values);
        if (made == NULL || PyList_Append(claim->lines, made) < 0) {
            status = FAILED;
        }
    }
    Py_XDECREF(made);
    Py_XDECREF(control_number);
    Py_XDECREF(modifier_tuple);
    Py_XDECREF(adjustments);
    Py_XDECREF(remark_codes);
    line_clear(line);
    return status;
}

/* A claim status or filing indicator: the enum member of the code, from the Python reader's own table. */
static int member(PyObject *table, const Segment *segment, int position, PyObject **out) {
    PyObject *code = element_text(segment, position);
    if (code == NULL) {
        return FAILED;
    }
    PyObject *found = PyDict_GetItemWithError(table, code);
    Py_DECREF(code);
    if (found == NULL) {
        return PyErr_Occurred() ? FAILED : UNSURE;
    }
    *out = Py_NewRef(found);
    return OK;
}

static int close_claim(State *state) {
    Claim *claim = &state->claim;
    if (!claim->open) {
        return OK;
    }
    int status = close_line(state);
    const Segment *clp = &claim->clp;
    enum { PCN, STATUS, CHARGE, PAID, PATIENT, FILING, PAYER_CCN, FACILITY, FREQUENCY, NAME, COUNT };
    PyObject *parts[COUNT] = {NULL};
    Py_ssize_t length;
    const char *text;
    if (status == OK) {
        text = element(clp, 1, &length);
        status = text_field(text, length, 38, 1, &parts[PCN]);
    }
    if (status == OK) {
        status = member(state->statuses, clp, 2, &parts[STATUS]);
    }
    if (status == OK) {
        status = amount(state, clp, 3, &parts[CHARGE]);
    }
    if (status == OK) {
        status = amount(state, clp, 4, &parts[PAID]);
    }
    if (status == OK) {
        element(clp, 5, &length);
        status = length ? amount(state, clp, 5, &parts[PATIENT]) : OK;
        if (status == OK && !length) {
            parts[PATIENT] = Py_NewRef(Py_None);
        }
    }
    if (status == OK) {
        element(clp, 6, &length);
        if (length == 0) {
            parts[FILING] = Py_NewRef(Py_None);
        } else {
            status = member(state->filings, clp, 6, &parts[FILING]);
        }
    }
    static const int text_positions[3] = {7, 8, 9};
    static const Py_ssize_t text_lengths[3] = {50, 2, 1};
    for (int i = 0; i < 3 && status == OK; i++) {
        text = element(clp, text_positions[i], &length);
        status = text_field(text, length, text_lengths[i], 0, &parts[PAYER_CCN + i]);
    }
    if (status == OK) {
        status = text_object(claim->patient_name, 120, &parts[NAME]);
    }
    PyObject *adjustments = NULL, *remark_codes = NULL, *lines = NULL, *made = NULL;
    if (status == OK) {
        adjustments = PyList_AsTuple(claim->adjustments);
        remark_codes = PyList_AsTuple(claim->remarks);
        lines = PyList_AsTuple(claim->lines);
        if (adjustments == NULL || remark_codes == NULL || lines == NULL) {
            status = FAILED;
        }
    }
    if (status == OK) {
        PyObject *values[15] = {
            parts[PCN],       parts[STATUS],       parts[CHARGE],    parts[PAID],
            parts[PATIENT],   parts[FILING],       parts[PAYER_CCN], parts[FACILITY],
            parts[FREQUENCY], parts[NAME],         claim->statement_from ? claim->statement_from : Py_None,
            claim->statement_to ? claim->statement_to : Py_None,  adjustments, remark_codes, lines,
        };
        made = record(&state->claim_layout, values);
        if (made == NULL || PyList_Append(state->items, made) < 0) {
            status = FAILED;
        }
    }
    for (int i = 0; i < COUNT; i++) {
        Py_XDECREF(parts[i]);
    }
    Py_XDECREF(adjustments);
    Py_XDECREF(remark_codes);
    Py_XDECREF(lines);
    Py_XDECREF(made);
    claim_clear(claim);
    return status;
}

static int open_claim(State *state, const Segment *segment) {
    Claim *claim = &state->claim;
    claim->clp = *segment;
    claim->adjustments = PyList_New(0);
    claim->remarks = PyList_New(0);
    claim->lines = PyList_New(0);
    claim->open = 1;
    return claim->adjustments && claim->remarks && claim->lines ? OK : FAILED;
}

#define CAS_ELEMENTS 19

static int cas(State *state, const Segment *segment) {
    PyObject *target = state->line.open ? state->line.adjustments : state->claim.adjustments;
    int count = segment->count;
    PyObject *group;
    if (count == 0) {
        return UNSURE;
    }
    int status = member(state->groups, segment, 1, &group);
    if (status != OK) {
        return status;
    }
    for (int i = CAS_ELEMENTS; i < count && status == OK; i++) {
        if (segment->elements[i].length) {
            status = UNSURE; /* a CAS holds at most six adjustments */
        }
    }
    Py_ssize_t group_length;
    const char *group_text = element(segment, 1, &group_length);
    for (int index = 1; index < 17 && index < count && status == OK; index += 3) {
        Py_ssize_t reason_length, amount_length, quantity_length;
        const char *reason = element(segment, index + 1, &reason_length);
        const char *amount_text = element(segment, index + 2, &amount_length);
        const char *quantity_text = element(segment, index + 3, &quantity_length);
        Key key;
        key_start(&key, ADJUSTMENT);
        key_add(&key, group_text, group_length);
        key_add(&key, reason, reason_length);
        key_add(&key, amount_text, amount_length);
        key_add(&key, quantity_text, quantity_length);
        uint64_t hash = key_hash(&key);
        PyObject *adjustment = cache_get(state->cache, &key, hash);
        if (adjustment == NULL) {
            if (reason_length == 0) {
                if (amount_length || quantity_length) {
                    status = UNSURE; /* an amount without its reason code */
                }
                continue;
            }
            /* Each value is what the Adjustment's own checks make of it (the group a member, the reason a CARC, the
             * amount money, the units a quantity), so the record is made without checking them again. */
            PyObject *money = NULL, *units = NULL, *reason_code = NULL;
            status = amount(state, segment, index + 2, &money);
            if (status == OK) {
                status = quantity(state, quantity_text, quantity_length, &units);
            }
            if (status == OK) {
                status = checked(state, REASON, state->reason, reason, reason_length, &reason_code);
            }
            if (status == OK) {
                PyObject *values[4] = {group, reason_code, money, units};
                adjustment = record(&state->adjustment_layout, values);
                if (adjustment == NULL) {
                    status = FAILED;
                } else {
                    cache_put(state->cache, &key, hash, adjustment);
                }
            }
            Py_XDECREF(money);
            Py_XDECREF(units);
            Py_XDECREF(reason_code);
            if (status != OK) {
                break;
            }
        }
        if (PyList_Append(target, adjustment) < 0) {
            status = FAILED;
        }
        Py_DECREF(adjustment);
    }
    Py_DECREF(group);
    return status;
}

static int nm1(State *state, const Segment *segment) {
    if (!element_is(segment, 1, "QC")) {
        return OK;
    }
    Py_ssize_t last_length, first_length, middle_length, suffix_length;
    const char *last = element(segment, 3, &last_length);
    const char *first = element(segment, 4, &first_length);
    const char *middle = element(segment, 5, &middle_length);
    const char *suffix = element(segment, 7, &suffix_length);
    if (last_length == 0) {
        return OK;
    }
    /* "LAST, FIRST MIDDLE SUFFIX", the form of PersonName. */
    Py_ssize_t total = last_length + 2 + first_length + 1 + middle_length + 1 + suffix_length;
    char *name = PyMem_Malloc((size_t)total + 1);
    if (name == NULL) {
        PyErr_NoMemory();
        return FAILED;
    }
    Py_ssize_t length = 0;
    memcpy(name, last, (size_t)last_length);
    length += last_length;
    if (first_length || middle_length) {
        memcpy(name + length, ", ", 2);
        length += 2;
        if (first_length) {
            memcpy(name + length, first, (size_t)first_length);
            length += first_length;
        }
        if (first_length && middle_length) {
            name[length++] = ' ';
        }
        if (middle_length) {
            memcpy(name + length, middle, (size_t)middle_length);
            length += middle_length;
        }
    }
    if (suffix_length) {
        name[length++] = ' ';
        memcpy(name + length, suffix, (size_t)suffix_length);
        length += suffix_length;
    }
    PyObject *text = ascii_text(name, length);
    PyMem_Free(name);
    if (text == NULL) {
        return FAILED;
    }
    replace(&state->claim.patient_name, text);
    return OK;
}

static int dtm(State *state, const Segment *segment) {
    PyObject **slot = NULL;
    if (state->line.open) {
        if (element_is(segment, 1, "472")) {
            slot = &state->line.service_date;
        } else if (element_is(segment, 1, "150")) {
            slot = &state->line.period_start;
        }
    } else if (element_is(segment, 1, "232")) {
        slot = &state->claim.statement_from;
    } else if (element_is(segment, 1, "233")) {
        slot = &state->claim.statement_to;
    }
    if (slot == NULL) {
        return OK;
    }
    PyObject *value;
    int status = a_date(segment, 2, &value);
    if (status == OK) {
        replace(slot, value);
    }
    return status;
}

static int svc(State *state, const Segment *segment) {
    int status = close_line(state);
    if (status != OK) {
        return status;
    }
    Line *line = &state->line;
    Span parts[6];
    int count = composite(state, segment, 1, parts, 6);
    const char *code_text = count > 1 ? part(segment, &parts[1]) : "";
    Py_ssize_t code_length = count > 1 ? parts[1].length : 0;
    line->open = 1;
    line->adjustments = PyList_New(0);
    line->remarks = PyList_New(0);
    line->modifiers = PyList_New(0);
    if (line->adjustments == NULL || line->remarks == NULL || line->modifiers == NULL) {
        return FAILED;
    }
    line->units_paid = Py_NewRef(Py_None);
    line->units_billed = Py_NewRef(Py_None);
    line->billed_procedure_code = Py_NewRef(Py_None);
    line->service_date = Py_NewRef(Py_None);
    line->period_start = Py_NewRef(Py_None);
    line->allowed = Py_NewRef(Py_None);
    status = checked(state, PROCEDURE, state->procedure, code_text, code_length, &line->code);
    for (int i = 2; i < count && i < 6 && status == OK; i++) {
        if (parts[i].length) {
            PyObject *modifier = ascii_text(part(segment, &parts[i]), parts[i].length);
            if (modifier == NULL || PyList_Append(line->modifiers, modifier) < 0) {
                status = FAILED;
            }
            Py_XDECREF(modifier);
        }
    }
    if (status == OK) {
        status = amount(state, segment, 2, &line->charge);
    }
    if (status == OK) {
        status = amount(state, segment, 3, &line->paid);
    }
    Py_ssize_t length;
    const char *text;
    if (status == OK && segment->count > 4) {
        text = element(segment, 5, &length);
        PyObject *units;
        status = quantity(state, text, length, &units);
        if (status == OK) {
            replace(&line->units_paid, units);
        }
        element(segment, 6, &length);
        if (status == OK && segment->count > 5 && length) {
            /* SVC06, the code as submitted: one the domain cannot hold is left out. */
            Span billed[2];
            if (composite(state, segment, 6, billed, 2) > 1) {
                PyObject *code;
                status = checked(state, PROCEDURE, state->procedure, part(segment, &billed[1]), billed[1].length, &code);
                if (status == OK) {
                    replace(&line->billed_procedure_code, code);
                }
            }
        }
        if (status == OK && segment->count > 6) {
            text = element(segment, 7, &length);
            status = quantity(state, text, length, &units);
            if (status == OK) {
                replace(&line->units_billed, units);
            }
        }
    }
    return status;
}

/* A segment inside an open claim. */
static int in_claim(State *state, const Segment *segment) {
    const char *id = segment->id;
    Line *line = &state->line;
    static const int moa_remarks[5] = {3, 4, 5, 6, 7};
    static const int mia_remarks[5] = {5, 20, 21, 22, 23};
    static const int lq_remark[1] = {2};
    if (id_is(segment, "CAS")) {
        return cas(state, segment);
    }
    if (id_is(segment, "SVC")) {
        return svc(state, segment);
    }
    if (id_is(segment, "DTM")) {
        return dtm(state, segment);
    }
    if (id_is(segment, "REF")) {
        if (line->open && element_is(segment, 1, "6R")) {
            Py_ssize_t length;
            const char *text = element(segment, 2, &length);
            PyObject *value = length ? ascii_text(text, length) : Py_NewRef(Py_None);
            if (value == NULL) {
                return FAILED;
            }
            replace(&line->control_number, value);
        }
        return OK;
    }
    if (id_is(segment, "AMT")) {
        if (line->open && element_is(segment, 1, "B6")) {
            PyObject *value;
            int status = amount(state, segment, 2, &value);
            if (status == OK) {
                replace(&line->allowed, value);
            }
            return status;
        }
        return OK;
    }
    if (id_is(segment, "NM1")) {
        return nm1(state, segment);
    }
    if (id_is(segment, "MOA")) {
        return remarks(state, segment, moa_remarks, 5, state->claim.remarks);
    }
    if (id_is(segment, "MIA")) {
        return remarks(state, segment, mia_remarks, 5, state->claim.remarks);
    }
    if (id_is(segment, "LQ")) {
        if (!line->open) {
            return UNSURE; /* an LQ outside a service line */
        }
        return element_is(segment, 1, "HE") ? remarks(state, segment, lq_remark, 1, line->remarks) : OK;
    }
    /* Segments the Python reader treats differently inside a claim, or that change the envelope. */
    static const char *const undecided[] = {"ST", "BPR", "TRN", "N1", "ISA", "GS", "GE", "IEA", "TA1", NULL};
    for (int i = 0; undecided[i] != NULL; i++) {
        if (strcmp(id, undecided[i]) == 0) {
            return UNSURE;
        }
    }
    (void)id;
    return OK; /* a segment the records have no place for */
}

/* ---------------------------------------------------------------------------------------------------------------
 * Segments the Python reader handles itself
 */

/* Short element texts repeat all through a file (qualifiers, codes, dates, units): the last str made for each is
 * kept, in a table indexed by the text's hash, and given again, which saves making and freeing one and lets later
 * lookups reuse its hash. Strings are immutable, so sharing one is never seen. */
#define SHORT_TEXT 8
#define SHORT_SLOTS 4096
static PyObject *short_texts[SHORT_SLOTS];

static PyObject *short_text(const char *text, Py_ssize_t length) {
    if (length > SHORT_TEXT) {
        return ascii_text(text, length);
    }
    uint32_t hash = 2166136261u;
    for (Py_ssize_t i = 0; i < length; i++) {
        hash = (hash ^ (unsigned char)text[i]) * 16777619u;
    }
    PyObject **slot = &short_texts[(hash ^ (uint32_t)length) & (SHORT_SLOTS - 1)];
    PyObject *kept = *slot;
    if (kept != NULL && PyUnicode_GET_LENGTH(kept) == length && memcmp(PyUnicode_1BYTE_DATA(kept), text, (size_t)length) == 0) {
        return Py_NewRef(kept);
    }
    PyObject *made = ascii_text(text, length);
    if (made != NULL) {
        Py_XSETREF(*slot, Py_NewRef(made));
    }
    return made;
}

static int hand_over(State *state, const Segment *segment) {
    PyObject *elements = PyList_New(segment->count);
    if (elements == NULL) {
        return FAILED;
    }
    for (int i = 0; i < segment->count; i++) {
        Py_ssize_t length;
        const char *start = element(segment, i + 1, &length);
        PyObject *text = short_text(start, length);
        if (text == NULL) {
            Py_DECREF(elements);
            return FAILED;
        }
        PyList_SET_ITEM(elements, i, text);
    }
    PyObject *id = short_text(segment->id, (Py_ssize_t)strlen(segment->id));
    PyObject *index = PyLong_FromSsize_t(segment->index);
    PyObject *offset = PyLong_FromSsize_t(segment->offset);
    PyObject *raw = ascii_text(segment->text, segment->length);
    PyObject *made = NULL;
    int status = FAILED;
    if (id && index && offset && raw) {
        PyObject *values[6] = {id, elements, index, offset, state->delimiters, raw};
        made = record(&state->segment_layout, values);
        if (made != NULL && PyList_Append(state->items, made) >= 0) {
            status = OK;
        }
    }
    Py_XDECREF(made);
    Py_XDECREF(id);
    Py_XDECREF(index);
    Py_XDECREF(offset);
    Py_XDECREF(raw);
    Py_DECREF(elements);
    return status;
}

static int take(State *state, const Segment *segment) {
    if (!state->isa_seen) {
        if (!id_is(segment, "ISA")) {
            return UNSURE;
        }
        state->isa_seen = 1;
        return hand_over(state, segment);
    }
    if (state->ended || id_is(segment, "ISA")) {
        return UNSURE; /* text after the IEA, or a second interchange with delimiters of its own */
    }
    if (!state->records) {
        state->ended = id_is(segment, "IEA");
        return hand_over(state, segment);
    }
    if (state->claim.open) {
        if (!id_is(segment, "CLP") && !id_is(segment, "LX") && !id_is(segment, "PLB") && !id_is(segment, "SE")) {
            return in_claim(state, segment);
        }
        int status = close_claim(state);
        if (status != OK) {
            return status;
        }
    }
    if (id_is(segment, "CLP")) {
        if (!state->in_transaction || !state->bpr_seen) {
            return UNSURE;
        }
        return open_claim(state, segment);
    }
    if (id_is(segment, "ST")) {
        state->in_transaction = 1;
        state->bpr_seen = 0;
    } else if (id_is(segment, "SE")) {
        state->in_transaction = 0;
        state->bpr_seen = 0;
    } else if (id_is(segment, "BPR")) {
        state->bpr_seen = state->in_transaction;
    } else if (id_is(segment, "IEA")) {
        state->ended = 1;
    }
    return hand_over(state, segment);
}

/* ---------------------------------------------------------------------------------------------------------------
 * Cutting the bytes into segments
 */

static inline int is_layout(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Cut the segment at [start, end) (end at its terminator). UNSURE for what the Python tokenizer would unwrap,
 * decode otherwise or refuse. */
static int cut(State *state, const char *text, Py_ssize_t length, Segment *segment) {
    segment->text = text;
    segment->length = length;
    segment->count = 0;
    Py_ssize_t id_length = -1, start = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80 || c == '\r' || c == '\n') {
            return UNSURE;
        }
        if (c == (unsigned char)state->element) {
            if (id_length < 0) {
                id_length = i;
            } else {
                if (segment->count >= MAX_ELEMENTS) {
                    return UNSURE;
                }
                segment->elements[segment->count].start = start;
                segment->elements[segment->count].length = i - start;
                segment->count++;
            }
            start = i + 1;
        }
    }
    if (id_length < 0) {
        id_length = length;
    } else {
        if (segment->count >= MAX_ELEMENTS) {
            return UNSURE;
        }
        segment->elements[segment->count].start = start;
        segment->elements[segment->count].length = length - start;
        segment->count++;
    }
    if (id_length < 2 || id_length > 3 || text[0] < 'A' || text[0] > 'Z') {
        return UNSURE;
    }
    for (Py_ssize_t i = 1; i < id_length; i++) {
        char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return UNSURE;
        }
    }
    memcpy(segment->id, text, (size_t)id_length);
    segment->id[id_length] = '\0';
    return OK;
}

/* Where the last complete SE segment of `data` ends (just after its terminator), or 0 when there is none. */
static Py_ssize_t after_last_se(const char *data, Py_ssize_t length, char terminator, char separator) {
    Py_ssize_t end = length - 1;
    while (end >= 0 && data[end] != terminator) {
        end--;
    }
    while (end >= 0) {
        Py_ssize_t start = end - 1;
        while (start >= 0 && data[start] != terminator) {
            start--;
        }
        Py_ssize_t first = start + 1;
        while (first < end && is_layout(data[first])) {
            first++;
        }
        if (end - first >= 3 && data[first] == 'S' && data[first + 1] == 'E' && data[first + 2] == separator) {
            return end + 1;
        }
        end = start;
    }
    return 0;
}

static int get_object(PyObject *context, const char *name, PyObject **out) {
    *out = PyObject_GetAttrString(context, name);
    return *out == NULL ? -1 : 0;
}

static int get_char(PyObject *context, const char *name, char *out) {
    PyObject *value = PyObject_GetAttrString(context, name);
    if (value == NULL) {
        return -1;
    }
    Py_ssize_t length;
    const char *text = PyUnicode_Check(value) ? PyUnicode_AsUTF8AndSize(value, &length) : NULL;
    int ok = text != NULL && length == 1;
    if (ok) {
        *out = text[0];
    } else if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_ValueError, "context.%s must be one ASCII character", name);
    }
    Py_DECREF(value);
    return ok ? 0 : -1;
}

static int get_int(PyObject *context, const char *name, Py_ssize_t *out) {
    PyObject *value = PyObject_GetAttrString(context, name);
    if (value == NULL) {
        return -1;
    }
    *out = PyLong_AsSsize_t(value);
    Py_DECREF(value);
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

static int set_int(PyObject *context, const char *name, Py_ssize_t value) {
    PyObject *number = PyLong_FromSsize_t(value);
    if (number == NULL) {
        return -1;
    }
    int result = PyObject_SetAttrString(context, name, number);
    Py_DECREF(number);
    return result;
}

static void state_clear(State *state) {
    line_clear(&state->line);
    claim_clear(&state->claim);
    Py_CLEAR(state->delimiters);
    Py_CLEAR(state->segment_type);
    Py_CLEAR(state->claim_type);
    Py_CLEAR(state->line_type);
    Py_CLEAR(state->segment_fields);
    Py_CLEAR(state->claim_fields);
    Py_CLEAR(state->line_fields);
    Py_CLEAR(state->money);
    Py_CLEAR(state->quantity);
    Py_CLEAR(state->procedure);
    Py_CLEAR(state->modifier_ok);
    Py_CLEAR(state->remark);
    Py_CLEAR(state->reason);
    Py_CLEAR(state->decimal);
    Py_CLEAR(state->adjustment_type);
    Py_CLEAR(state->adjustment_fields);
    Py_CLEAR(state->statuses);
    Py_CLEAR(state->filings);
    Py_CLEAR(state->groups);
    Py_CLEAR(state->items);
}

/* What every scan reads from its context: the delimiters, the Segment type and the place in the file. */
static int state_load(State *state, PyObject *context) {
    Py_ssize_t flag;
    state->context = context;
    if (get_char(context, "element", &state->element) < 0 || get_char(context, "component", &state->component) < 0 ||
        get_char(context, "terminator", &state->terminator) < 0 ||
        get_object(context, "delimiters", &state->delimiters) < 0 ||
        get_object(context, "segment_type", (PyObject **)&state->segment_type) < 0 ||
        get_object(context, "segment_fields", &state->segment_fields) < 0 || get_int(context, "index", &state->index) < 0) {
        return -1;
    }
    if (!PyType_Check(state->segment_type) || !PyTuple_Check(state->segment_fields) ||
        PyTuple_GET_SIZE(state->segment_fields) != 6) {
        PyErr_SetString(PyExc_TypeError, "the context's Segment type or field names are not as this module needs");
        return -1;
    }
    if (layout_of(state->segment_type, state->segment_fields, &state->segment_layout) < 0) {
        return -1;
    }
    if (get_int(context, "isa_seen", &flag) < 0) {
        return -1;
    }
    state->isa_seen = (int)flag;
    if (get_int(context, "ended", &flag) < 0) {
        return -1;
    }
    state->ended = (int)flag;
    state->items = PyList_New(0);
    return state->items == NULL ? -1 : 0;
}

/* What a scan into records reads besides: the record types, the checks, the tables and the cache. */
static int records_load(State *state, PyObject *context) {
    PyObject *capsule;
    state->records = 1;
    if (get_object(context, "claim_type", (PyObject **)&state->claim_type) < 0 ||
        get_object(context, "line_type", (PyObject **)&state->line_type) < 0 ||
        get_object(context, "claim_fields", &state->claim_fields) < 0 ||
        get_object(context, "line_fields", &state->line_fields) < 0 || get_object(context, "money", &state->money) < 0 ||
        get_object(context, "quantity", &state->quantity) < 0 ||
        get_object(context, "procedure", &state->procedure) < 0 ||
        get_object(context, "modifier_ok", &state->modifier_ok) < 0 ||
        get_object(context, "remark", &state->remark) < 0 ||
        get_object(context, "reason", &state->reason) < 0 || get_object(context, "decimal", &state->decimal) < 0 ||
        get_object(context, "adjustment_type", (PyObject **)&state->adjustment_type) < 0 ||
        get_object(context, "adjustment_fields", &state->adjustment_fields) < 0 ||
        get_object(context, "statuses", &state->statuses) < 0 || get_object(context, "filings", &state->filings) < 0 ||
        get_object(context, "groups", &state->groups) < 0) {
        return -1;
    }
    if (!PyType_Check(state->claim_type) || !PyType_Check(state->line_type) ||
        !PyType_Check(state->adjustment_type) || !PyTuple_Check(state->adjustment_fields) ||
        PyTuple_GET_SIZE(state->adjustment_fields) != 4 || !PyTuple_Check(state->claim_fields) || PyTuple_GET_SIZE(state->claim_fields) != 15 ||
        !PyTuple_Check(state->line_fields) || PyTuple_GET_SIZE(state->line_fields) != 12 ||
        !PyDict_Check(state->statuses) || !PyDict_Check(state->filings) || !PyDict_Check(state->groups)) {
        PyErr_SetString(PyExc_TypeError, "the context's types, field names or tables are not as this module needs");
        return -1;
    }
    if (layout_of(state->claim_type, state->claim_fields, &state->claim_layout) < 0 ||
        layout_of(state->line_type, state->line_fields, &state->line_layout) < 0 ||
        layout_of(state->adjustment_type, state->adjustment_fields, &state->adjustment_layout) < 0 ||
        get_object(context, "cache", &capsule) < 0) {
        return -1;
    }
    state->cache = PyCapsule_GetPointer(capsule, "revcycle.x12._read835.cache");
    Py_DECREF(capsule);
    return state->cache == NULL ? -1 : 0;
}

/* Just after the last terminator of `data`, or 0 when it holds none. */
static Py_ssize_t after_last_terminator(const char *data, Py_ssize_t length, char terminator) {
    Py_ssize_t end = length - 1;
    while (end >= 0 && data[end] != terminator) {
        end--;
    }
    return end + 1;
}

/* scan(context, data, base_offset, final) and segments(...) -> (items, consumed) | None */
static PyObject *run(PyObject *const *arguments, Py_ssize_t count, int records) {
    if (count != 4) {
        PyErr_SetString(PyExc_TypeError, "expected (context, data, base_offset, final)");
        return NULL;
    }
    PyObject *context = arguments[0];
    Py_buffer view;
    if (PyObject_GetBuffer(arguments[1], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    Py_ssize_t base = PyLong_AsSsize_t(arguments[2]);
    int final = PyObject_IsTrue(arguments[3]);
    State state;
    memset(&state, 0, sizeof(State));
    PyObject *result = NULL;
    if ((base == -1 && PyErr_Occurred()) || final < 0 || state_load(&state, context) < 0 ||
        (records && records_load(&state, context) < 0)) {
        PyBuffer_Release(&view);
        state_clear(&state);
        return NULL;
    }
    /* The objects made here form no cycles, and a batch holds thousands of them: collections in the middle would
     * only walk them again and again. */
    int collecting = PyGC_Disable();
    const char *data = view.buf;
    Py_ssize_t limit = final     ? view.len
                       : records ? after_last_se(data, view.len, state.terminator, state.element)
                                 : after_last_terminator(data, view.len, state.terminator);
    Py_ssize_t position = 0;
    int status = OK;
    Segment segment;
    while (position < limit && status == OK) {
        char c = data[position];
        if (state.ended) {
            /* After the IEA only layout may follow (the Python tokenizer refuses anything else, a terminator
             * included, or looks for another interchange). */
            status = is_layout(c) ? OK : UNSURE;
            position++;
            continue;
        }
        if (is_layout(c) || c == state.terminator) {
            position++; /* layout between segments, or an empty one */
            continue;
        }
        const char *end = memchr(data + position, state.terminator, (size_t)(limit - position));
        if (end == NULL) {
            status = UNSURE; /* the file ends inside a segment (or an IEA without its terminator) */
            break;
        }
        status = cut(&state, data + position, end - (data + position), &segment);
        if (status == OK) {
            segment.offset = base + position;
            segment.index = state.index++;
            status = take(&state, &segment);
        }
        position = end - data + 1;
    }
    if (status == OK && final && (!state.ended || state.claim.open || (records && state.in_transaction))) {
        status = UNSURE; /* the file ends before its IEA: the Python tokenizer says so */
    }
    if (status == OK && (set_int(context, "index", state.index) < 0 ||
                         set_int(context, "isa_seen", state.isa_seen) < 0 ||
                         set_int(context, "ended", state.ended) < 0)) {
        status = FAILED;
    }
    if (status == OK) {
        result = Py_BuildValue("(On)", state.items, limit);
    } else if (status == UNSURE) {
        result = Py_NewRef(Py_None);
    }
    state_clear(&state);
    PyBuffer_Release(&view);
    if (collecting) {
        PyGC_Enable();
    }
    return result;
}

static PyObject *scan(PyObject *module, PyObject *const *arguments, Py_ssize_t count) {
    return run(arguments, count, 1);
}

static PyObject *segments(PyObject *module, PyObject *const *arguments, Py_ssize_t count) {
    return run(arguments, count, 0);
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(context, data, base_offset, final) -> (items, consumed) or None when the Python reader must decide."},
    {"segments", (PyCFunction)(void (*)(void))segments, METH_FASTCALL,
     "segments(context, data, base_offset, final) -> (segments, consumed) or None when the Python tokenizer must "
     "decide."},
    {"new_cache", new_cache, METH_NOARGS, "A table of answers remembered by text, for one file."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "revcycle.x12._read835", "The 835 reader's hot loop in C (see revcycle.x12.native835).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__read835(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return NULL;
    }
    return PyModule_Create(&module_definition);
}
