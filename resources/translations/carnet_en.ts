<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CustodyView</name>
    <message numerus="yes">
        <source>%n entries verified, the chain is intact</source>
        <translation>
            <numerusform>%n entry verified, the chain is intact</numerusform>
            <numerusform>%n entries verified, the chain is intact</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
</context>
</TS>
