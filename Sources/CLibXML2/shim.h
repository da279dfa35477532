// libxml2 on Debian is built with ICU, and its encoding.h then includes ICU's headers, whose
// enums clash with the copy of ICU inside Foundation when one target imports both. scimrecon
// never touches libxml2's encoding handlers (it hands the writer UTF-8), so the ICU part of
// those headers is left out: the handler struct stays opaque behind a pointer.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
